import { buildBenchSnapshot } from '@/lib/domain/scheduler/bench';
import { decideAdmissions } from '@/lib/domain/scheduler/admit';
const s = buildBenchSnapshot(10_000, 1_000);
for (let i = 0; i < 10; i++) decideAdmissions(s, { explain: false });
