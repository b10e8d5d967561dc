// The loops this worker runs. Later features (scheduler, workflow sync, telemetry) add theirs here.
import type { LoopSpec } from './loop';
import { pingCluster } from '@/lib/cluster/health';
import { recordClusterHeartbeat } from '@/lib/server/health/record-cluster-heartbeat';

export function workerLoops(): LoopSpec[] {
  return [
    {
      // Keeps a fresh record of whether the cluster API answers, shown on the Overview page.
      name: 'cluster-heartbeat',
      intervalMs: 15_000,
      exclusive: true,
      async run({ db, log }) {
        const started = performance.now();
        try {
          const version = await pingCluster();
          await recordClusterHeartbeat(db, { ok: true, version: version.gitVersion, ms: performance.now() - started });
        } catch (error) {
          log.warn({ err: error }, 'cluster did not answer');
          await recordClusterHeartbeat(db, { ok: false, error: String(error).slice(0, 300), ms: performance.now() - started });
        }
      },
    },
  ];
}
