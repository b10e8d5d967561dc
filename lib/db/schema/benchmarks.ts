import { index, integer, jsonb, pgEnum, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import type { BenchmarkResult } from '@/lib/domain/benchmarks/results';
import type { RankingSettings, ShareSnapshot } from '@/lib/domain/benchmarks/ranking-settings';
import { teams, users } from './users';

export const benchmarkSourceEnum = pgEnum('benchmark_source', ['import', 'sweep']);

// A set of comparable results: an imported table or the outputs of one sweep.
export const benchmarkDatasets = pgTable(
  'benchmark_datasets',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    name: text('name').notNull(),
    source: benchmarkSourceEnum('source').notNull(),
    teamId: uuid('team_id').references(() => teams.id, { onDelete: 'set null' }),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    /** import: { origin, files }; sweep: the SweepDefinition */
    definition: jsonb('definition').$type<Record<string, unknown>>().notNull().default({}),
    /** SHA-256 of the token a sweep's steps post results with; null until one is issued */
    resultsTokenHash: text('results_token_hash').unique(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('benchmark_datasets_created_idx').on(t.createdAt)],
);

// One measurement; (dataset, configuration, attempt) is the idempotency key of a posted result.
export const benchmarkResults = pgTable(
  'benchmark_results',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => benchmarkDatasets.id, { onDelete: 'cascade' }),
    configurationId: text('configuration_id').notNull(),
    attempt: integer('attempt').notNull(),
    /** the whole validated BenchmarkResult, metrics included */
    result: jsonb('result').$type<BenchmarkResult>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('benchmark_results_key_idx').on(t.datasetId, t.configurationId, t.attempt)],
);

// A user's saved weights, directions, normalization and constraints, reusable across datasets.
export const rankingProfiles = pgTable(
  'ranking_profiles',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    criteria: jsonb('criteria').$type<RankingSettings['criteria']>().notNull(),
    weights: jsonb('weights').$type<number[]>().notNull(),
    directions: jsonb('directions').$type<RankingSettings['directions']>().notNull(),
    normalization: text('normalization').$type<RankingSettings['normalization']>().notNull(),
    constraints: jsonb('constraints').$type<RankingSettings['constraints']>().notNull().default([]),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [uniqueIndex('ranking_profiles_user_name_idx').on(t.userId, t.name)],
);

// A read-only ranking anyone with the link can open. Only a SHA-256 of the link token is stored;
// the snapshot freezes settings, rows and scores so later results never change a shared page.
export const shareLinks = pgTable(
  'share_links',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    tokenHash: text('token_hash').notNull().unique(),
    datasetId: uuid('dataset_id').references(() => benchmarkDatasets.id, { onDelete: 'set null' }),
    title: text('title').notNull(),
    snapshot: jsonb('snapshot').$type<ShareSnapshot>().notNull(),
    createdBy: uuid('created_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [index('share_links_dataset_idx').on(t.datasetId)],
);
