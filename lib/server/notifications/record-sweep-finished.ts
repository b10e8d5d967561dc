// A benchmark job that succeeded finishes its sweep: recorded as its own event (sweep.finished),
// with the top configuration under the owner's most recently saved ranking profile, or the
// suggested default weights when they have none (a sweep keeps no weights of its own).
import { desc, eq, sql } from 'drizzle-orm';
import type { DbOrTx } from '@/lib/db/client';
import { benchmarkResults, rankingProfiles } from '@/lib/db/schema';
import { rows } from '@/lib/db/driver-row';
import { suggestRankingSettings, type RankingSettings } from '@/lib/domain/benchmarks/ranking-settings';
import { topConfiguration } from '@/lib/domain/notifications/sweep';
import { recordEvent } from './record-event';

export async function recordSweepFinished(db: DbOrTx, jobId: number, outboxId: number): Promise<boolean> {
  const [job] = await rows<{ name: string; user_id: string; kind: string; dataset_id: string | null }>(
    db,
    sql`select name, user_id, kind, spec->'env'->>'GANTRY_DATASET_ID' as dataset_id from jobs where id = ${jobId}`,
  );
  if (!job || job.kind !== 'benchmark' || !job.dataset_id || !/^[0-9a-f-]{36}$/.test(job.dataset_id)) return false;
  const results = (
    await db
      .select({ result: benchmarkResults.result })
      .from(benchmarkResults)
      .where(eq(benchmarkResults.datasetId, job.dataset_id))
  ).map((r) => r.result);
  const [profile] = await db
    .select()
    .from(rankingProfiles)
    .where(eq(rankingProfiles.userId, job.user_id))
    .orderBy(desc(rankingProfiles.updatedAt))
    .limit(1);
  const usable = profile && profile.criteria.every((c) => results.some((r) => r.metrics[c] !== undefined));
  const settings: RankingSettings | null = usable
    ? {
        criteria: profile.criteria,
        weights: profile.weights,
        directions: profile.directions,
        normalization: profile.normalization,
        constraints: profile.constraints,
      }
    : suggestRankingSettings(results);
  const top = settings ? topConfiguration(results, settings) : null;
  const under = usable ? `your ranking profile "${profile.name}"` : 'the default weights';
  return recordEvent(db, {
    event: 'sweep.finished',
    message: `${job.name} finished with ${results.length} results.${top ? ` Top configuration under ${under}: ${top.label}.` : ''}`,
    path: `/benchmarks/${job.dataset_id}`,
    jobId,
    details: {
      sweep: { datasetId: job.dataset_id, top: top ? { ...top, rankedWith: usable ? profile.name : 'default' } : null },
    },
    dedupeKey: `sweep.finished:${outboxId}`,
  });
}
