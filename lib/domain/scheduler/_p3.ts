import { buildBenchSnapshot } from '@/lib/domain/scheduler/bench';
import { decideAdmissions } from '@/lib/domain/scheduler/admit';
import * as cap from '@/lib/domain/scheduler/capacity';
const s = buildBenchSnapshot(10_000, 1_000);
for (let i = 0; i < 3; i++) { const t = performance.now(); decideAdmissions(s); console.log('pass', performance.now() - t); }
for (let i = 0; i < 3; i++) { const t = performance.now(); decideAdmissions(s, { explain: false }); console.log('noexplain', performance.now() - t); }
