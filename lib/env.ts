// The one place that reads process.env. Every setting is validated here, so a bad value fails at
// start with a message naming the variable instead of surfacing later as a confusing error.
import path from 'node:path';
import { z } from 'zod';
import { parseAllowList } from './domain/notifications/destination';
import { parseGroupMap } from './domain/oidc-groups';

const bool = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no', ''])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');
const port = z.coerce.number().int().min(1).max(65535);

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(3000),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),

  GANTRY_DATA_DIR: z.string().min(1).default('.gantry'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
    .optional(),
  GANTRY_PG_PORT: port.default(54329),

  KUBECONFIG: z.string().min(1).optional(),
  KUBERNETES_SERVICE_HOST: z.string().optional(),
  GANTRY_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, 'must be a Kubernetes namespace name')
    .default('gantry-jobs'),
  GANTRY_SIM_PORT: port.default(6443),
  GANTRY_SIM_SPEED: z.coerce.number().positive().max(10_000).default(1),
  GANTRY_SIM_SEED: z.coerce.number().int().default(42),
  // Share of simulated steps that fail on their own (a quarter of them OOMKilled), as real ones do.
  GANTRY_SIM_FAILURE_RATE: z.coerce.number().min(0).max(1).default(0.02),
  // Stalled workflows (the reconcile pass fails them): a step unschedulable this long with none
  // running, or a run past its deadline with no step change for this long.
  GANTRY_STALL_PENDING_MINUTES: z.coerce
    .number()
    .positive()
    .max(7 * 24 * 60)
    .default(15),
  GANTRY_STALL_GRACE_MINUTES: z.coerce
    .number()
    .positive()
    .max(7 * 24 * 60)
    .default(10),
  // CPU niceness of every thread of the worker process (npm start sets 10: one machine's cores are
  // shared with the web server and PostgreSQL); 0 leaves it alone.
  GANTRY_WORKER_NICE: z.coerce.number().int().min(0).max(19).default(0),
  // On SIGTERM/SIGINT the web server stops accepting and waits this long for requests in flight
  // before closing what is left (the launcher stops the worker, then PostgreSQL, only after it).
  GANTRY_SHUTDOWN_DRAIN_SECONDS: z.coerce.number().min(0).max(600).default(10),

  NEXTAUTH_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  // The URL pods in the cluster reach Gantry at (sweep steps post results there).
  GANTRY_PUBLIC_URL: z.string().url().optional(),
  GANTRY_ADMIN_EMAIL: z.string().email().default('admin@gantry.local'),
  GANTRY_ADMIN_PASSWORD: z
    .string()
    .min(8, 'must be at least 8 characters')
    .refine((p) => Buffer.byteLength(p, 'utf8') <= 72, 'must be at most 72 bytes in UTF-8 (bcrypt ignores the rest)')
    .optional(),
  // Failed sign-ins (per account and per client address) and invalid Bearer tokens (per address):
  // this many within the window locks further attempts out for one window (429 with Retry-After).
  GANTRY_AUTH_MAX_FAILURES: z.coerce.number().int().min(1).max(10_000).default(10),
  GANTRY_AUTH_WINDOW_MINUTES: z.coerce
    .number()
    .positive()
    .max(7 * 24 * 60)
    .default(15),
  // How many reverse proxies in front of Gantry append to X-Forwarded-For. 0: the client address is
  // the socket's (the header is ignored, since any client can send it); n: the n-th address from the
  // right of X-Forwarded-For, the one the outermost trusted proxy saw.
  GANTRY_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  GANTRY_DEMO: bool.optional(),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_NAME: z.string().min(1).default('SSO'),
  // Single sign-on policy (docs/sso.md): which claim carries groups, how groups map to teams and
  // roles, the role of a user no group maps (none: refused), whether a new subject may take over a
  // local account with the same verified email, and whether signing out also ends the provider session.
  OIDC_GROUPS_CLAIM: z.string().min(1).default('groups'),
  // Scopes asked for besides `openid email profile`, e.g. `groups` for Dex.
  OIDC_SCOPES: z.string().trim().default(''),
  OIDC_GROUP_MAP: z
    .string()
    .default('')
    .transform((text, ctx) => {
      const parsed = parseGroupMap(text);
      if (parsed.ok) return parsed.mappings;
      for (const message of parsed.errors) ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }),
  OIDC_DEFAULT_ROLE: z.enum(['admin', 'researcher', 'viewer', 'none']).default('viewer'),
  OIDC_LINK_EXISTING: z.enum(['never', 'verified-email']).default('never'),
  OIDC_LOGOUT: z.enum(['local', 'provider']).default('local'),
  // Password sign-in; 'off' takes effect only when OIDC is configured, so nobody is locked out.
  GANTRY_PASSWORD_SIGNIN: z.enum(['on', 'off']).default('on'),

  // Gantry's own metrics (lib/metrics): with a token, GET /metrics on the web server and the
  // worker's metrics server need `Authorization: Bearer <token>`; without one, the web answers only
  // loopback clients and the worker's server binds 127.0.0.1 (team names are in the series).
  GANTRY_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  GANTRY_WORKER_METRICS_HOST: z.string().min(1).default('127.0.0.1'),
  // 0 turns the worker's metrics and liveness server off.
  GANTRY_WORKER_METRICS_PORT: z.coerce.number().int().min(0).max(65535).default(9464),
  PROMETHEUS_URL: z.string().url().optional(),
  GANTRY_REFERENCE_DIR: z.string().min(1).default('../shared/reference'),

  // Queued (not yet admitted) jobs one user may have; a submission above it answers 429.
  GANTRY_MAX_QUEUED_JOBS_PER_USER: z.coerce.number().int().min(1).max(10_000_000).default(1_000),
  // Notifications (lib/server/notifications): e-mail goes out only when SMTP_URL is set
  // (smtp://user:pass@host:587, smtps://...); webhook destinations may be limited to host names
  // and CIDRs (loopback is refused unless listed here); webhook secrets are sealed with
  // GANTRY_ENCRYPTION_KEY, or a key derived from NEXTAUTH_SECRET when it is unset.
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL')
    .optional(),
  SMTP_FROM: z.string().min(3).default('Gantry <gantry@localhost>'),
  GANTRY_WEBHOOK_ALLOW: z
    .string()
    .refine((v) => {
      try {
        parseAllowList(v);
        return true;
      } catch {
        return false;
      }
    }, 'must be host names (*.example.com) and CIDRs, comma-separated')
    .optional(),
  GANTRY_ENCRYPTION_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  // Who may show share pages (/share/*) in a frame: CSP frame-ancestors sources, space-separated
  // (https://wiki.example.com, 'self'). Unset: no one; every other page is never framed.
  GANTRY_SHARE_FRAME_ANCESTORS: z
    .string()
    .regex(
      /^(?:'self'|https?:\/\/[a-z0-9.*-]+(?::\d+)?)(?:\s+(?:'self'|https?:\/\/[a-z0-9.*-]+(?::\d+)?))*$/i,
      "must be origins (https://host[:port]) or 'self', space-separated",
    )
    .optional(),
});

export type Env = z.infer<typeof EnvSchema> & {
  dataDir: string;
  referenceDir: string;
  publicUrl: string;
  /** The origin browsers load Gantry from (NEXTAUTH_URL's); cookie-authenticated writes must come from it. */
  appOrigin: string;
  /** Password sign-in is on: GANTRY_PASSWORD_SIGNIN=off counts only with a provider, so nobody is locked out. */
  passwordSignIn: boolean;
};

export class EnvError extends Error {}

/** Parses an environment; throws EnvError naming each bad variable. Pure, so it is testable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([k, v]) => k in EnvSchema.shape && v !== undefined && v !== ''),
  );
  const result = EnvSchema.safeParse(cleaned);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new EnvError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const env = result.data;
  const oidc = [env.OIDC_ISSUER, env.OIDC_CLIENT_ID, env.OIDC_CLIENT_SECRET].filter(Boolean).length;
  if (oidc !== 0 && oidc !== 3) {
    throw new EnvError(
      'Invalid configuration:\n  OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET: set all three to enable OIDC, or none',
    );
  }
  return {
    ...env,
    dataDir: path.resolve(env.GANTRY_DATA_DIR),
    referenceDir: path.resolve(env.GANTRY_REFERENCE_DIR),
    // Without a setting, the local server: what the simulated cluster (same machine) can reach.
    publicUrl: (
      env.GANTRY_PUBLIC_URL ?? `http://${['0.0.0.0', '::'].includes(env.HOST) ? '127.0.0.1' : env.HOST}:${env.PORT}`
    ).replace(/\/+$/, ''),
    // NEXTAUTH_URL, not GANTRY_PUBLIC_URL: that one is where pods reach Gantry (often a cluster-internal
    // Service address), this one is what the browser's address bar shows and next-auth signs in at.
    appOrigin: new URL(
      env.NEXTAUTH_URL ?? `http://${['0.0.0.0', '::'].includes(env.HOST) ? '127.0.0.1' : env.HOST}:${env.PORT}`,
    ).origin,
    passwordSignIn: env.GANTRY_PASSWORD_SIGNIN === 'on' || oidc === 0,
  };
}

let cached: Env | undefined;

export function env(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** For the launcher: hand settings to child processes (web server, worker). */
export function childEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
