import { sql } from 'drizzle-orm';
import {
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  real,
  serial,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

// GPU telemetry. Devices are named by dcgm-exporter's identity (`host/uuid[/mig-<id>]`) and get a
// small integer id so the sample tables stay compact: one row per device per scrape, real columns.
export const gpuDevices = pgTable(
  'gpu_devices',
  {
    id: serial('id').primaryKey(),
    key: text('key').notNull(),
    node: text('node').notNull(),
    pool: text('pool'),
    kind: text('kind'),
    model: text('model'),
    migProfile: text('mig_profile'),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('gpu_devices_key_idx').on(t.key),
    index('gpu_devices_pool_idx').on(t.pool),
    index('gpu_devices_node_idx').on(t.node),
  ],
);

// Raw readings, kept 24 h (RETENTION_POLICY). util in %, fb in MiB, power in W; null = not reported.
export const gpuSamples = pgTable(
  'gpu_samples',
  {
    deviceId: integer('device_id').notNull(),
    ts: timestamp('ts', { withTimezone: true }).notNull(),
    util: real('util'),
    fb: real('fb'),
    power: real('power'),
  },
  (t) => [primaryKey({ columns: [t.deviceId, t.ts] }), index('gpu_samples_ts_idx').on(t.ts)],
);

// Rollup buckets: 1-minute kept 7 days, 1-hour kept a year. `samples` weighs averages when a
// finer tier is merged into a coarser one.
const rollupColumns = {
  deviceId: integer('device_id').notNull(),
  bucket: timestamp('bucket', { withTimezone: true }).notNull(),
  samples: integer('samples').notNull(),
  utilAvg: real('util_avg'),
  utilMin: real('util_min'),
  utilMax: real('util_max'),
  fbAvg: real('fb_avg'),
  fbMin: real('fb_min'),
  fbMax: real('fb_max'),
  powerAvg: real('power_avg'),
  powerMin: real('power_min'),
  powerMax: real('power_max'),
};

export const gpuRollups1m = pgTable('gpu_rollups_1m', rollupColumns, (t) => [
  primaryKey({ columns: [t.deviceId, t.bucket] }),
  index('gpu_rollups_1m_bucket_idx').on(t.bucket),
]);

export const gpuRollups1h = pgTable('gpu_rollups_1h', rollupColumns, (t) => [
  primaryKey({ columns: [t.deviceId, t.bucket] }),
  index('gpu_rollups_1h_bucket_idx').on(t.bucket),
]);

// Pool aggregates of the 1-minute and 1-hour tiers, written by the rollup loop from the device
// buckets, so a chart of a pool of thousands of GPUs reads one row per bucket instead of one per GPU.
// util_avg is the mean of the GPUs' bucket means; fb and power are totals over the pool's GPUs.
export const gpuPoolRollups = pgTable(
  'gpu_pool_rollups',
  {
    pool: text('pool').notNull(),
    tier: text('tier', { enum: ['1m', '1h'] }).notNull(),
    bucket: timestamp('bucket', { withTimezone: true }).notNull(),
    /** GPUs with a bucket in this one, and their raw sample count (changes when a late scrape lands) */
    devices: integer('devices').notNull(),
    samples: integer('samples').notNull(),
    utilAvg: real('util_avg'),
    fbSum: real('fb_sum'),
    powerSum: real('power_sum'),
  },
  (t) => [
    primaryKey({ columns: [t.pool, t.tier, t.bucket] }),
    index('gpu_pool_rollups_bucket_idx').on(t.tier, t.bucket),
  ],
);

// Who held a device, from dcgm-exporter's pod labels plus the pod's gantry.dev/* labels: one row per
// (device, pod, UTC day) with its first and last scrape that day, and the device's utilization summed
// over those scrapes, so usage accounting reads a day's GPU-hours without scanning samples.
export const gpuAssignments = pgTable(
  'gpu_assignments',
  {
    deviceId: integer('device_id').notNull(),
    namespace: text('namespace').notNull(),
    pod: text('pod').notNull(),
    day: date('day', { mode: 'string' })
      .notNull()
      .default(sql`current_date`),
    jobId: text('job_id'),
    owner: text('owner'),
    team: text('team'),
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    /** scrapes that saw the pod on the device; of them, those with a utilization reading, and its sum */
    samples: integer('samples').notNull().default(0),
    utilSamples: integer('util_samples').notNull().default(0),
    utilSum: doublePrecision('util_sum').notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.deviceId, t.namespace, t.pod, t.day] }),
    index('gpu_assignments_job_idx').on(t.jobId),
    index('gpu_assignments_last_seen_idx').on(t.lastSeenAt),
    index('gpu_assignments_day_idx').on(t.day),
  ],
);

// Admin settings: one row (id 1). Prices are per GPU-hour, by GPU kind id.
export const telemetrySettings = pgTable('telemetry_settings', {
  id: integer('id').primaryKey(),
  idleThresholdPercent: real('idle_threshold_percent').notNull().default(5),
  idleWindowMinutes: integer('idle_window_minutes').notNull().default(30),
  prices: jsonb('prices').$type<Record<string, number>>().notNull().default({}),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
