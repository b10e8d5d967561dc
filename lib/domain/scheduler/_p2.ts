import { buildBenchSnapshot } from '@/lib/domain/scheduler/bench';
import { decideAdmissions } from '@/lib/domain/scheduler/admit';
const s = buildBenchSnapshot(10_000, 1_000);
const ds = decideAdmissions(s);
const by = new Map<string, number>();
for (const d of ds) if (d.type==='wait') by.set(d.reason, (by.get(d.reason) ?? 0) + 1);
console.log(by, ds.filter(d=>d.type==='wait' && d.eta!==null).length);
const kinds = new Map<string, number>(); for (const j of s.queued) kinds.set(j.gpu.kind, (kinds.get(j.gpu.kind)??0)+1); console.log(kinds);
