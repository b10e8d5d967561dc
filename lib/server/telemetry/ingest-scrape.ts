import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { attributeToJobs, parseDcgmText, toGpuSamples, type GpuSample } from '@/lib/domain/telemetry/dcgm';
import { inTransaction, requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';
import { rows } from './shared';

const PodInfo = z.object({ jobId: z.string().nullable(), owner: z.string().nullable(), team: z.string().nullable() });

export const IngestScrapeInput = z.object({
  /** scrape time, ms since epoch; every reading of this scrape is stored at it */
  at: z.number().int().positive(),
  /** raw dcgm-exporter text per node; `node` overrides the Hostname label when known */
  scrapes: z.array(z.object({ node: z.string().nullable().default(null), text: z.string() })),
  /** node -> pool and GPU kinds (from the inventory), to tag new devices */
  nodes: z
    .record(
      z.string(),
      z.object({ pool: z.string(), kinds: z.array(z.object({ id: z.string(), migProfile: z.string().nullable() })) }),
    )
    .default({}),
  /** `namespace/pod` -> the pod's gantry.dev/job-id, owner and team labels */
  pods: z.record(z.string(), PodInfo).default({}),
});
export type IngestScrapeInput = z.input<typeof IngestScrapeInput>;

export interface IngestResult {
  devices: number;
  samples: number;
  assignments: number;
}

/**
 * Stores one scrape round: devices upserted (id by `host/uuid[/mig-id]`), one sample row per device,
 * and who held each device (dcgm-exporter's pod labels, tied to a job by the pod's gantry.dev/job-id).
 * Bulk statements over json_to_recordset keep it to three round trips whatever the GPU count.
 */
export async function ingestScrape({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<IngestResult> {
  requireRole(ctx, 'admin');
  const data = parseInput(IngestScrapeInput, input);
  const samples: (GpuSample & { node: string })[] = [];
  for (const s of data.scrapes) {
    for (const g of toGpuSamples(parseDcgmText(s.text))) {
      const node = s.node ?? g.hostname ?? 'unknown';
      samples.push({ ...g, node, key: g.hostname === node ? g.key : g.key.replace(/^[^/]*/, node) });
    }
  }
  if (samples.length === 0) return { devices: 0, samples: 0, assignments: 0 };
  const jobByPod = new Map(Object.entries(data.pods).flatMap(([k, v]) => (v.jobId ? [[k, v.jobId] as const] : [])));
  const attributed = attributeToJobs(samples, jobByPod);
  const at = new Date(data.at).toISOString();

  const devices = samples.map((g) => {
    const info = data.nodes[g.node];
    const kind =
      info?.kinds.find((k) => k.migProfile === g.migProfile) ?? info?.kinds.find((k) => k.migProfile === null) ?? null;
    return { k: g.key, n: g.node, p: info?.pool ?? null, i: kind?.id ?? null, m: g.modelName, g: g.migProfile };
  });

  return inTransaction(ctx, async ({ db }) => {
    // Touch an existing device only when its tags changed or it was last seen over 5 minutes ago,
    // so 2,000 GPUs do not rewrite 2,000 device rows every scrape.
    await db.execute(sql`
      insert into gpu_devices (key, node, pool, kind, model, mig_profile, first_seen_at, last_seen_at)
      select d.k, d.n, d.p, d.i, d.m, d.g, ${at}::timestamptz, ${at}::timestamptz
      from json_to_recordset(${JSON.stringify(devices)}::json) as d(k text, n text, p text, i text, m text, g text)
      on conflict (key) do update set node = excluded.node, pool = coalesce(excluded.pool, gpu_devices.pool),
        kind = coalesce(excluded.kind, gpu_devices.kind), model = coalesce(excluded.model, gpu_devices.model),
        mig_profile = excluded.mig_profile, last_seen_at = excluded.last_seen_at
      where gpu_devices.last_seen_at < excluded.last_seen_at - interval '5 minutes'
        or gpu_devices.node is distinct from excluded.node
        or (excluded.pool is not null and gpu_devices.pool is distinct from excluded.pool)
        or (excluded.kind is not null and gpu_devices.kind is distinct from excluded.kind)`);
    const ids = await rows<{ id: number; key: string }>(
      db,
      sql`select id, key from gpu_devices where key = any(select json_array_elements_text(${JSON.stringify(devices.map((d) => d.k))}::json))`,
    );
    const idOf = new Map(ids.map((r) => [r.key, Number(r.id)]));

    const readings = attributed.map((g) => ({ d: idOf.get(g.key), u: g.utilization, f: g.fbUsedMiB, p: g.powerW }));
    await db.execute(sql`
      insert into gpu_samples (device_id, ts, util, fb, power)
      select r.d, ${at}::timestamptz, r.u, r.f, r.p from json_to_recordset(${JSON.stringify(readings)}::json) as r(d int, u real, f real, p real)
      on conflict (device_id, ts) do nothing`);

    const held = attributed.flatMap((g) =>
      g.pods.map((p) => {
        const info = data.pods[`${p.namespace}/${p.pod}`];
        return {
          d: idOf.get(g.key),
          ns: p.namespace,
          pod: p.pod,
          j: info?.jobId ?? null,
          o: info?.owner ?? null,
          t: info?.team ?? null,
          u: g.utilization,
        };
      }),
    );
    if (held.length) {
      // One row per (device, pod, UTC day): each scrape adds to its counters, so a day's GPU-hours
      // and utilization are read back without touching the sample tables.
      await db.execute(sql`
        insert into gpu_assignments (device_id, namespace, pod, day, job_id, owner, team, first_seen_at, last_seen_at, samples, util_samples, util_sum)
        select h.d, h.ns, h.pod, (${at}::timestamptz at time zone 'UTC')::date, h.j, h.o, h.t, ${at}::timestamptz, ${at}::timestamptz,
          1, case when h.u is null then 0 else 1 end, coalesce(h.u, 0)
        from json_to_recordset(${JSON.stringify(held)}::json) as h(d int, ns text, pod text, j text, o text, t text, u double precision)
        on conflict (device_id, namespace, pod, day) do update set
          last_seen_at = greatest(gpu_assignments.last_seen_at, excluded.last_seen_at),
          samples = gpu_assignments.samples + 1, util_samples = gpu_assignments.util_samples + excluded.util_samples,
          util_sum = gpu_assignments.util_sum + excluded.util_sum,
          job_id = coalesce(excluded.job_id, gpu_assignments.job_id), owner = coalesce(excluded.owner, gpu_assignments.owner),
          team = coalesce(excluded.team, gpu_assignments.team)
        where gpu_assignments.last_seen_at < excluded.last_seen_at`);
    }
    return { devices: idOf.size, samples: readings.length, assignments: held.length };
  });
}
