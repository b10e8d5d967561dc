import { sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { attributeToJobs, parseDcgmText, toGpuSamples, type GpuSample } from '@/lib/domain/telemetry/dcgm';
import { gpuAssignments, gpuDevices, gpuSamples } from '@/lib/db/schema';
import type { DbOrTx } from '@/lib/db/client';
import { inTransaction, requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';
import { bare, bareList, excluded, rows } from '@/lib/db/driver-row';

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
    const ids = await upsertDevices(db, devices, at);
    const idOf = new Map(ids.map((r) => [r.key, Number(r.id)]));

    const readings = attributed.map((g) => ({ d: idOf.get(g.key), u: g.utilization, f: g.fbUsedMiB, p: g.powerW }));
    const s = gpuSamples;
    await db.execute(sql`
      insert into ${s} (${bareList([s.deviceId, s.ts, s.util, s.fb, s.power])})
      select r.d, ${at}::timestamptz, r.u, r.f, r.p from json_to_recordset(${JSON.stringify(readings)}::json) as r(d int, u real, f real, p real)
      on conflict (${bareList([s.deviceId, s.ts])}) do nothing`);

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
    if (held.length) await addAssignments(db, held, at);
    return { devices: idOf.size, samples: readings.length, assignments: held.length };
  });
}

/** In an upsert's update: the proposed value when the scrape has one, else the stored one. */
const keepOld = (column: AnyPgColumn) => sql`${bare(column)} = coalesce(${excluded(column)}, ${column})`;

/**
 * Upserts the scrape's devices and answers their ids. An existing device is touched only when its
 * tags changed or it was last seen over 5 minutes ago, so 2,000 GPUs do not rewrite 2,000 device
 * rows every scrape.
 */
async function upsertDevices(db: DbOrTx, devices: { k: string }[], at: string) {
  const d = gpuDevices;
  await db.execute(sql`
      insert into ${d} (${bareList([d.key, d.node, d.pool, d.kind, d.model, d.migProfile, d.firstSeenAt, d.lastSeenAt])})
      select d.k, d.n, d.p, d.i, d.m, d.g, ${at}::timestamptz, ${at}::timestamptz
      from json_to_recordset(${JSON.stringify(devices)}::json) as d(k text, n text, p text, i text, m text, g text)
      on conflict (${bare(d.key)}) do update set ${bare(d.node)} = ${excluded(d.node)}, ${keepOld(d.pool)},
        ${keepOld(d.kind)}, ${keepOld(d.model)},
        ${bare(d.migProfile)} = ${excluded(d.migProfile)}, ${bare(d.lastSeenAt)} = ${excluded(d.lastSeenAt)}
      where ${d.lastSeenAt} < ${excluded(d.lastSeenAt)} - interval '5 minutes'
        or ${d.node} is distinct from ${excluded(d.node)}
        or (${excluded(d.pool)} is not null and ${d.pool} is distinct from ${excluded(d.pool)})
        or (${excluded(d.kind)} is not null and ${d.kind} is distinct from ${excluded(d.kind)})`);
  return rows<{ id: number; key: string }>(
    db,
    sql`select ${d.id} as id, ${d.key} as key from ${d} where ${d.key} = any(select json_array_elements_text(${JSON.stringify(devices.map((x) => x.k))}::json))`,
  );
}

/**
 * One row per (device, pod, UTC day): each scrape adds to its counters, so a day's GPU-hours and
 * utilization are read back without touching the sample tables.
 */
async function addAssignments(db: DbOrTx, held: unknown[], at: string): Promise<void> {
  const a = gpuAssignments;
  await db.execute(sql`
        insert into ${a} (${bareList([a.deviceId, a.namespace, a.pod, a.day, a.jobId, a.owner, a.team, a.firstSeenAt, a.lastSeenAt, a.samples, a.utilSamples, a.utilSum])})
        select h.d, h.ns, h.pod, (${at}::timestamptz at time zone 'UTC')::date, h.j, h.o, h.t, ${at}::timestamptz, ${at}::timestamptz,
          1, case when h.u is null then 0 else 1 end, coalesce(h.u, 0)
        from json_to_recordset(${JSON.stringify(held)}::json) as h(d int, ns text, pod text, j text, o text, t text, u double precision)
        on conflict (${bareList([a.deviceId, a.namespace, a.pod, a.day])}) do update set
          ${bare(a.lastSeenAt)} = greatest(${a.lastSeenAt}, ${excluded(a.lastSeenAt)}),
          ${bare(a.samples)} = ${a.samples} + 1, ${bare(a.utilSamples)} = ${a.utilSamples} + ${excluded(a.utilSamples)},
          ${bare(a.utilSum)} = ${a.utilSum} + ${excluded(a.utilSum)},
          ${keepOld(a.jobId)}, ${keepOld(a.owner)},
          ${keepOld(a.team)}
        where ${a.lastSeenAt} < ${excluded(a.lastSeenAt)}`);
}
