// The role x route matrix (docs/security.md): for every route file under app/api and every method it
// exports, the status each persona gets. tests/route-matrix.int.test.ts finds the routes on disk, so
// a new route without a row here fails that test, naming it.
//
// Personas, in column order:
//   anonymous  no credentials
//   viewer     a viewer in the owning team
//   other      a researcher of another team
//   owner      a researcher of the owning team who created the object (job, dataset, share, profile, token)
//   admin      an admin in no team
// Every signed-in persona sends a personal API token (Bearer), so the cookie Origin check does not
// apply; the test adds cookie rows of its own. Bodies are valid, so authorization decides, not validation.
import type { SweepDefinition } from '@/lib/domain/benchmarks/matrix';
import type { RankingSettings } from '@/lib/domain/benchmarks/ranking-settings';
import { makeResult } from './benchmark-factories';

export const PERSONAS = ['anonymous', 'viewer', 'other', 'owner', 'admin'] as const;
export type Persona = (typeof PERSONAS)[number];
/** Statuses in PERSONAS order. */
export type Statuses = readonly [anonymous: number, viewer: number, other: number, owner: number, admin: number];

/** What the matrix test creates before it calls anything (ids as the API spells them). */
export interface MatrixFixtures {
  ownerTeam: string;
  otherTeam: string;
  userIds: Record<Exclude<Persona, 'anonymous'>, string>;
  /** a queued job of the owner */
  job: string;
  /** a failed job of the owner whose Workflow is gone, with a stored step and its log */
  failedJob: string;
  stepNode: string;
  /** the owner's sweep dataset (12 simulated results) and its results token */
  dataset: string;
  resultsToken: string;
  share: string;
  profile: string;
  /** one of the owner's personal tokens (not the one the owner persona calls with) */
  ownerTokenId: string;
  /** the owner's webhook, a webhook of the owner's team, and one of the owner's notifications */
  ownerWebhook: string;
  teamWebhook: string;
  ownerNotification: number;
  /** an account locked out by failed sign-ins */
  lockedEmail: string;
  /** the subject of the identity linked to the `other` user (IDENTITY_ISSUER) */
  identitySubject: string;
  /** where the owner's job held a GPU (telemetry) */
  pool: string;
  gpuKind: string;
  marker: string;
}

export interface RouteCase {
  /** what this row shows, when a route has several */
  name?: string;
  params?: (f: MatrixFixtures) => Record<string, string | string[]>;
  query?: (f: MatrixFixtures) => string;
  body?: (f: MatrixFixtures) => unknown;
  expect: Statuses;
  /** the status a sweep step gets with the dataset's results token (gbr_) */
  resultsToken?: number;
  /** a text the answer holds for the personas marked true (what a list reveals, not only its status) */
  reveals?: { text: (f: MatrixFixtures) => string; expect: readonly [boolean, boolean, boolean, boolean, boolean] };
  /** why a status that is not the obvious one is right */
  note?: string;
  /** not callable outside Next's server: the spec file (under the repository) that drives it instead */
  delegated?: string;
}

const SETTINGS: RankingSettings = {
  criteria: ['tokensPerSecond', 'ttftMeanMs'],
  weights: [3, 1],
  directions: ['benefit', 'cost'],
  normalization: 'vector',
  constraints: [],
};

const SWEEP: SweepDefinition = {
  models: ['llama-3.1-8b'],
  engines: ['vllm'],
  quantizations: ['fp16'],
  precisions: ['fp16'],
  gpuKinds: ['a100-80gb'],
  gpuCounts: [1],
  batchSizes: [1, 8],
  sequenceLengths: [512],
  outputTokens: 256,
  requestsPerConfiguration: 16,
};

const jobBody = (f: MatrixFixtures) => ({
  name: `matrix-submit-${f.marker}`,
  kind: 'training',
  team: f.ownerTeam,
  gpu: { kind: f.gpuKind, count: 1 },
  expectedRuntimeSeconds: 600,
  maxRuntimeSeconds: 1200,
  spec: { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'] },
});

const id = (pick: (f: MatrixFixtures) => string) => (f: MatrixFixtures) => ({ id: pick(f) });

const PUBLIC: Statuses = [200, 200, 200, 200, 200];
const SIGNED_IN: Statuses = [401, 200, 200, 200, 200];
const ADMIN_ONLY: Statuses = [401, 403, 403, 403, 200];
/** the owning team reads; another team's object does not exist for them */
const TEAM_READ: Statuses = [401, 200, 404, 200, 200];
/** researchers write; another team's object does not exist for them; viewers are refused by role */
const OWNER_WRITE = (ok: number): Statuses => [401, 403, 404, ok, ok];
/** personal objects (profiles, tokens): nobody else sees them, admins included */
const PERSONAL = (ok: number): Statuses => [401, 404, 404, ok, 404];
/** the sweep endpoints take only the dataset's results token: personal tokens are refused */
const RESULTS_TOKEN_ONLY: Statuses = [401, 401, 401, 401, 401];

/** the issuer of the identity the fixtures link to the `other` user */
export const IDENTITY_ISSUER = 'https://idp.example.com';

const ALL_METHODS_404 = {
  params: () => ({ path: ['no-such-route', '7'] }),
  expect: [404, 404, 404, 404, 404],
} as const satisfies RouteCase;

export const ROUTE_MATRIX: Record<string, RouteCase | RouteCase[]> = {
  // (added late: helper C's catch-all) an /api path no route serves: 404 problem JSON to everyone
  'GET /api/[...path]': ALL_METHODS_404,
  'HEAD /api/[...path]': ALL_METHODS_404,
  'POST /api/[...path]': { ...ALL_METHODS_404, body: () => ({}) },
  'PUT /api/[...path]': { ...ALL_METHODS_404, body: () => ({}) },
  'PATCH /api/[...path]': { ...ALL_METHODS_404, body: () => ({}) },
  'DELETE /api/[...path]': ALL_METHODS_404,
  'OPTIONS /api/[...path]': ALL_METHODS_404,

  // Admin
  'GET /api/admin/quotas': { expect: ADMIN_ONLY },
  'PUT /api/admin/quotas': {
    body: (f) => ({ team: f.ownerTeam, gpuKind: f.gpuKind, guaranteed: 2 }),
    expect: ADMIN_ONLY,
  },
  'POST /api/admin/teams': {
    body: (f) => ({ slug: `matrix-${f.marker}-new`, name: 'Matrix new team' }),
    expect: [401, 403, 403, 403, 201],
  },
  'GET /api/admin/telemetry-settings': { expect: ADMIN_ONLY },
  'PUT /api/admin/telemetry-settings': { body: () => ({ idleWindowMinutes: 45 }), expect: ADMIN_ONLY },
  'GET /api/admin/users': { expect: ADMIN_ONLY },
  'POST /api/admin/users': {
    body: (f) => ({
      email: `matrix-${f.marker}-new@test.local`,
      name: 'New',
      role: 'viewer',
      password: 'matrix-password-1',
    }),
    expect: [401, 403, 403, 403, 201],
  },
  'PATCH /api/admin/users/[id]': {
    params: (f) => ({ id: f.userIds.other }),
    body: () => ({ name: 'Renamed by the matrix' }),
    expect: ADMIN_ONLY,
  },
  // (added late: helper D's lockouts) a locked-out account from the fixtures
  'GET /api/admin/lockouts': { expect: ADMIN_ONLY },
  'DELETE /api/admin/lockouts': {
    query: (f) => `scope=account&key=${encodeURIComponent(f.lockedEmail)}`,
    expect: ADMIN_ONLY,
  },
  // (added late: helper A's workload policy) the owning team has an exception for pss.privileged
  'GET /api/admin/teams/[slug]/policy': { params: (f) => ({ slug: f.ownerTeam }), expect: ADMIN_ONLY },
  'PATCH /api/admin/teams/[slug]/policy': {
    params: (f) => ({ slug: f.ownerTeam }),
    body: () => ({ podSecurity: 'restricted' }),
    expect: ADMIN_ONLY,
  },
  'POST /api/admin/teams/[slug]/policy/exceptions': {
    params: (f) => ({ slug: f.ownerTeam }),
    body: () => ({ rule: 'pss.hostPathVolumes', reason: 'the route matrix grants one' }),
    expect: [401, 403, 403, 403, 201],
  },
  'DELETE /api/admin/teams/[slug]/policy/exceptions/[rule]': {
    params: (f) => ({ slug: f.ownerTeam, rule: 'pss.privileged' }),
    expect: ADMIN_ONLY,
  },
  // (added late: helper E's single sign-on routes) the identity is linked to the `other` user
  'GET /api/admin/users/[id]/identities': { params: (f) => ({ id: f.userIds.other }), expect: ADMIN_ONLY },
  'POST /api/admin/users/[id]/identities': {
    params: (f) => ({ id: f.userIds.other }),
    body: (f) => ({ issuer: IDENTITY_ISSUER, subject: `mx-${f.marker}-second` }),
    expect: ADMIN_ONLY,
  },
  'DELETE /api/admin/users/[id]/identities': {
    params: (f) => ({ id: f.userIds.other }),
    query: (f) => `issuer=${encodeURIComponent(IDENTITY_ISSUER)}&subject=${encodeURIComponent(f.identitySubject)}`,
    expect: ADMIN_ONLY,
  },

  // next-auth's own endpoints (sign-in, sign-out, session, CSRF): public by design, no Gantry data.
  // Its handler reads next/headers, which only Next's server provides, so the e2e tests drive it.
  'GET /api/auth/[...nextauth]': { expect: PUBLIC, delegated: 'e2e/tests/auth.spec.ts' },
  'POST /api/auth/[...nextauth]': { expect: PUBLIC, delegated: 'e2e/tests/auth.spec.ts' },

  // Benchmarks: datasets belong to their creator's team; the published demo tables are everyone's.
  'GET /api/benchmarks/datasets': {
    expect: SIGNED_IN,
    reveals: { text: (f) => f.dataset, expect: [false, true, false, true, true] },
  },
  'POST /api/benchmarks/datasets': {
    body: (f) => ({ name: `matrix-upload-${f.marker}`, format: 'json', text: JSON.stringify([makeResult(1)]) }),
    expect: [401, 403, 201, 201, 201],
  },
  'POST /api/benchmarks/datasets/import-demo': {
    body: () => ({ source: 'llmperf' }),
    expect: [401, 403, 201, 201, 201],
    note: 'published tables are public data; each call runs alone, so each importer creates it',
  },
  'GET /api/benchmarks/datasets/[id]': { params: id((f) => f.dataset), expect: TEAM_READ },
  'DELETE /api/benchmarks/datasets/[id]': { params: id((f) => f.dataset), expect: OWNER_WRITE(200) },
  'GET /api/benchmarks/datasets/[id]/results': { params: id((f) => f.dataset), expect: TEAM_READ },
  'POST /api/benchmarks/datasets/[id]/results-token': { params: id((f) => f.dataset), expect: OWNER_WRITE(201) },
  'POST /api/benchmarks/datasets/[id]/run': {
    params: id((f) => f.dataset),
    body: (f) => ({ gpuKind: 'a100-80gb-shared', team: f.ownerTeam }),
    expect: OWNER_WRITE(201),
  },
  'POST /api/benchmarks/sweeps': {
    body: (f) => ({ name: `matrix-sweep-${f.marker}`, definition: SWEEP }),
    expect: [401, 403, 201, 201, 201],
  },
  'GET /api/benchmarks/results': { expect: RESULTS_TOKEN_ONLY, resultsToken: 200 },
  'POST /api/benchmarks/results': {
    body: () => makeResult(900, { source: 'sweep' }),
    expect: RESULTS_TOKEN_ONLY,
    resultsToken: 201,
  },
  'GET /api/benchmarks/configurations': {
    query: () => 'part=0&partSize=500',
    expect: RESULTS_TOKEN_ONLY,
    resultsToken: 200,
  },
  'GET /api/benchmarks/profiles': { expect: SIGNED_IN },
  'POST /api/benchmarks/profiles': {
    body: (f) => ({ name: `matrix-new-${f.marker}`, settings: SETTINGS }),
    expect: [401, 201, 201, 201, 201],
  },
  'PUT /api/benchmarks/profiles/[id]': {
    params: id((f) => f.profile),
    body: () => ({ name: 'renamed', settings: SETTINGS }),
    expect: PERSONAL(200),
  },
  'DELETE /api/benchmarks/profiles/[id]': { params: id((f) => f.profile), expect: PERSONAL(200) },
  'POST /api/rankings': {
    body: () => ({
      matrix: [
        [1, 2],
        [2, 1],
      ],
      weights: [1, 1],
      directions: ['benefit', 'cost'],
    }),
    expect: SIGNED_IN,
    note: 'ranks the matrix it is sent and stores nothing',
  },
  'GET /api/shares': {
    expect: SIGNED_IN,
    reveals: { text: (f) => f.share, expect: [false, false, false, true, false] },
  },
  'POST /api/shares': { body: (f) => ({ datasetId: f.dataset, settings: SETTINGS }), expect: OWNER_WRITE(201) },
  'DELETE /api/shares/[id]': {
    params: id((f) => f.share),
    expect: [401, 404, 404, 200, 200],
    note: 'someone else’s link does not exist for them; admins revoke any (moderation)',
  },

  // Cluster capacity: no team names, so everyone signed in.
  'GET /api/cluster/gpu-kinds': { expect: SIGNED_IN },
  'GET /api/cluster/nodes': { expect: SIGNED_IN },
  'GET /api/healthz': { expect: PUBLIC },
  'GET /api/readyz': { expect: PUBLIC, note: 'says only whether the database and cluster answer' },

  // Jobs: the owner's team sees them; only the owner (or an admin) acts on them.
  'GET /api/jobs': {
    query: (f) => `team=${f.ownerTeam}`,
    expect: SIGNED_IN,
    reveals: { text: (f) => `matrix-job-${f.marker}`, expect: [false, true, false, true, true] },
  },
  'POST /api/jobs': [
    {
      body: jobBody,
      expect: [401, 403, 403, 201, 201],
      note: 'other: 403 naming the field team (team names are public)',
    },
    { name: 'dry run', query: () => 'dryRun=1', body: jobBody, expect: [401, 403, 403, 200, 200] },
  ],
  'GET /api/jobs/[id]': { params: id((f) => f.job), expect: TEAM_READ },
  'PATCH /api/jobs/[id]': { params: id((f) => f.job), body: () => ({ priority: 'high' }), expect: ADMIN_ONLY },
  'POST /api/jobs/[id]/cancel': { params: id((f) => f.job), expect: OWNER_WRITE(200) },
  'POST /api/jobs/[id]/resubmit': { params: id((f) => f.job), expect: OWNER_WRITE(201) },
  'POST /api/jobs/[id]/retry': {
    params: id((f) => f.failedJob),
    expect: OWNER_WRITE(409),
    note: 'allowed for owner and admin; 409 because the failed job’s Workflow is gone from the cluster',
  },
  'GET /api/jobs/[id]/workflow': { params: id((f) => f.failedJob), expect: TEAM_READ },
  'GET /api/jobs/[id]/steps/[nodeId]/logs': {
    params: (f) => ({ id: f.failedJob, nodeId: f.stepNode }),
    expect: TEAM_READ,
  },

  // Telemetry: a job's GPUs and a team's series are the team's; pools, nodes and GPUs are everyone's.
  'GET /api/telemetry/gpus': { expect: SIGNED_IN },
  'GET /api/telemetry/heatmap': { query: (f) => `pool=${f.pool}`, expect: SIGNED_IN },
  'GET /api/telemetry/idle': { expect: ADMIN_ONLY, note: 'names the owners and teams holding idle GPUs' },
  'GET /api/telemetry/jobs/[id]': { params: id((f) => f.job), expect: TEAM_READ },
  'GET /api/telemetry/series': [
    { name: 'job', query: (f) => `scope=job&id=${f.job}`, expect: TEAM_READ },
    {
      name: 'team',
      query: (f) => `scope=team&id=${f.ownerTeam}`,
      expect: [401, 200, 403, 200, 200],
      note: 'team names are public: 403',
    },
    { name: 'pool', query: (f) => `scope=pool&id=${f.pool}`, expect: SIGNED_IN },
  ],
  'GET /api/telemetry/usage': [
    {
      name: 'by team',
      expect: SIGNED_IN,
      reveals: { text: (f) => f.ownerTeam, expect: [false, true, false, true, true] },
    },
    { name: 'by user', query: () => 'groupBy=user', expect: ADMIN_ONLY },
    {
      name: 'CSV',
      query: () => 'format=csv',
      expect: SIGNED_IN,
      reveals: { text: (f) => f.ownerTeam, expect: [false, true, false, true, true] },
    },
  ],

  // Accounts
  'GET /api/me': { expect: SIGNED_IN },
  // (added late: helper E) where to go after signing out; { url: null } without a provider session
  'GET /api/auth/end-session': { expect: SIGNED_IN },
  'GET /api/quotas': { expect: SIGNED_IN, note: 'the caller’s own teams only' },
  'GET /api/teams': { expect: SIGNED_IN, note: 'team names and sizes are public' },
  'GET /api/tokens': { expect: SIGNED_IN },
  'POST /api/tokens': { body: () => ({ name: 'matrix' }), expect: [401, 201, 201, 201, 201] },
  'DELETE /api/tokens/[id]': {
    params: id((f) => f.ownerTokenId),
    expect: PERSONAL(200),
    note: 'admins disable the user instead',
  },

  // Notifications (issue 16): personal like tokens; team webhooks are set by admins
  'GET /api/me/notifications': {
    expect: SIGNED_IN,
    reveals: { text: (f) => `matrix-note-${f.marker}`, expect: [false, false, false, true, false] },
  },
  'POST /api/me/notifications/read': [
    { name: 'one', body: (f) => ({ id: f.ownerNotification }), expect: PERSONAL(200) },
    { name: 'all', body: () => ({ all: true }), expect: SIGNED_IN },
  ],
  'GET /api/me/notifications/preferences': { expect: SIGNED_IN },
  'PUT /api/me/notifications/preferences': {
    body: () => ({ consoleEvents: ['job.failed'], emailEvents: [], longJobMinutes: 30, waitingMinutes: null }),
    expect: SIGNED_IN,
  },
  'GET /api/me/webhooks': {
    expect: SIGNED_IN,
    reveals: { text: (f) => `matrix-hook-${f.marker}`, expect: [false, false, false, true, false] },
  },
  'POST /api/me/webhooks': {
    body: (f) => ({
      name: `matrix-new-${f.marker}`,
      url: 'https://hooks.example.invalid/matrix',
      format: 'json',
      events: ['job.failed'],
    }),
    expect: [401, 403, 201, 201, 201],
    note: 'viewers own no jobs and may not make Gantry call out',
  },
  'DELETE /api/me/webhooks/[id]': { params: id((f) => f.ownerWebhook), expect: PERSONAL(200) },
  'POST /api/me/webhooks/[id]/test': {
    params: id((f) => f.ownerWebhook),
    expect: [401, 403, 404, 200, 404],
    note: 'the receiver does not resolve: 200 with ok false',
  },
  'GET /api/me/webhooks/[id]/deliveries': { params: id((f) => f.ownerWebhook), expect: PERSONAL(200) },
  'GET /api/admin/teams/[slug]/webhooks': { params: (f) => ({ slug: f.ownerTeam }), expect: ADMIN_ONLY },
  'POST /api/admin/teams/[slug]/webhooks': {
    params: (f) => ({ slug: f.ownerTeam }),
    body: (f) => ({
      name: `matrix-team-new-${f.marker}`,
      url: 'https://hooks.example.invalid/team',
      format: 'slack',
      events: ['quota.budget'],
    }),
    expect: [401, 403, 403, 403, 201],
  },
  'DELETE /api/admin/teams/[slug]/webhooks/[id]': {
    params: (f) => ({ slug: f.ownerTeam, id: f.teamWebhook }),
    expect: ADMIN_ONLY,
  },
  'POST /api/admin/teams/[slug]/webhooks/[id]/test': {
    params: (f) => ({ slug: f.ownerTeam, id: f.teamWebhook }),
    expect: ADMIN_ONLY,
  },
  'GET /api/admin/teams/[slug]/webhooks/[id]/deliveries': {
    params: (f) => ({ slug: f.ownerTeam, id: f.teamWebhook }),
    expect: ADMIN_ONLY,
  },

  'POST /api/workflows/preview': {
    body: () => ({
      yaml: 'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-}\nspec:\n  entrypoint: main\n  templates:\n  - name: main\n    container: {image: alpine}\n',
    }),
    expect: SIGNED_IN,
  },
};
