import { benchAdmissionPass, benchDecisionLatency, benchKueueReplay } from '@/lib/domain/scheduler/bench';
const which = process.argv[2] ?? 'all';
if (which === 'all' || which === 'pass') console.log('pass', JSON.stringify(benchAdmissionPass()));
if (which === 'all' || which === 'latency') console.log('latency', JSON.stringify(benchDecisionLatency()));
if (which === 'all' || which === 'kueue') console.log('kueue', JSON.stringify(benchKueueReplay('/work/shared/reference')));
