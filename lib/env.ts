// The one place that reads process.env. Every setting is validated here, so a bad value fails at
// start with a message naming the variable instead of surfacing later as a confusing error.
import path from 'node:path';
import { z } from 'zod';

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
  // Stalled workflows (the reconcile pass fails them): a step unschedulable this long with none
  // running, or a run past its deadline with no step change for this long.
  GANTRY_STALL_PENDING_MINUTES: z.coerce.number().positive().max(7 * 24 * 60).default(15),
  GANTRY_STALL_GRACE_MINUTES: z.coerce.number().positive().max(7 * 24 * 60).default(10),
  // CPU niceness of every thread of the worker process (npm start sets 10: one machine's cores are
  // shared with the web server and PostgreSQL); 0 leaves it alone.
  GANTRY_WORKER_NICE: z.coerce.number().int().min(0).max(19).default(0),

  NEXTAUTH_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  NEXTAUTH_URL: z.string().url().optional(),
  // The URL pods in the cluster reach Gantry at (sweep steps post results there).
  GANTRY_PUBLIC_URL: z.string().url().optional(),
  GANTRY_ADMIN_EMAIL: z.string().email().default('admin@gantry.local'),
  GANTRY_ADMIN_PASSWORD: z.string().min(8, 'must be at least 8 characters').optional(),
  GANTRY_DEMO: bool.optional(),
  OIDC_ISSUER: z.string().url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_NAME: z.string().min(1).default('SSO'),

  PROMETHEUS_URL: z.string().url().optional(),
  GANTRY_REFERENCE_DIR: z.string().min(1).default('../shared/reference'),
});

export type Env = z.infer<typeof EnvSchema> & { dataDir: string; referenceDir: string; publicUrl: string };

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
    publicUrl: (env.GANTRY_PUBLIC_URL ?? `http://${['0.0.0.0', '::'].includes(env.HOST) ? '127.0.0.1' : env.HOST}:${env.PORT}`).replace(/\/+$/, ''),
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
