// Structured JSON logs (one object per line) for the web server, the worker and the launcher.
//
// Nothing secret may reach a log line. A failed statement is the risky case: drizzle's error puts
// the statement's parameters (password hashes, token hashes) in its message and `params`, and
// PostgreSQL's `detail` repeats the offending value ("Key (token_hash)=(...) already exists").
// Errors therefore go through serializeError (under any of the keys errors are logged with), which
// keeps what helps debugging (type, SQLSTATE, constraint, table, the statement without its values,
// the stack) and drops or masks the rest; `redact` covers secrets logged as plain fields.
import pino from 'pino';
import { env } from '@/lib/env';

export type Logger = pino.Logger;

const REDACTED = '[Redacted]';

// Field names whose values are secrets wherever they appear in a logged object.
const SECRET_KEY = /pass(word)?|hash|token|secret|authorization|cookie|credential|parameters|^params$|^args$/i;

// Secret-looking strings inside messages and stacks: Gantry tokens, bcrypt hashes, hex digests
// (token and share-link hashes are SHA-256 hex) and long base64url runs (share and results tokens).
const SECRET_TEXT = [
  /gty_[A-Za-z0-9_-]+/g,
  /\$2[abxy]?\$\d\d\$[./A-Za-z0-9]{53}/g,
  /\b[0-9a-f]{32,}\b/gi,
  /(?<![A-Za-z0-9_/-])[A-Za-z0-9_-]{40,}(?![A-Za-z0-9_/-])/g,
];

// PostgreSQL's error fields safe to keep: they name things, never values.
const PG_FIELDS = [
  'code',
  'severity',
  'routine',
  'constraint_name',
  'table_name',
  'column_name',
  'schema_name',
  'position',
] as const;
// Fields that carry values: PostgreSQL's detail/where/hint, the driver's query parameters.
const DROPPED = new Set([
  'detail',
  'where',
  'hint',
  'internal_query',
  'parameters',
  'params',
  'args',
  'types',
  'query',
  'stack',
  'message',
  'cause',
]);

function scrubText(text: string): string {
  return SECRET_TEXT.reduce((t, pattern) => t.replace(pattern, REDACTED), text);
}

/** Deep copy of a logged value with secret-named fields masked (depth-limited: logs stay small). */
function scrubValue(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object' || depth > 4) return value;
  if (value instanceof Error) return serializeError(value, depth + 1);
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => scrubValue(v, depth + 1));
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEY.test(k) ? REDACTED : scrubValue(v, depth + 1);
  return out;
}

/** The message without values: drizzle's "Failed query: <sql>\nparams: <values>" keeps only the SQL. */
function errorMessage(err: Error & { query?: unknown; params?: unknown }): string {
  const message = String(err.message ?? '');
  const statement = typeof err.query === 'string' && 'params' in err;
  return scrubText(statement ? message.replace(/\nparams: [\s\S]*$/, '') : message);
}

/** An error as logged: type, message, stack, SQLSTATE fields and cause chain, without values. */
function serializeError(err: unknown, depth = 0): unknown {
  if (!(err instanceof Error)) return scrubValue(err, depth);
  const e = err as Error & Record<string, unknown>;
  const message = errorMessage(e);
  const frames = (e.stack ?? '').split('\n').filter((line) => /^\s+at /.test(line));
  const out: Record<string, unknown> = {
    type: e.constructor?.name ?? e.name,
    message,
    stack: [`${e.name}: ${message}`, ...frames].join('\n'),
  };
  for (const field of PG_FIELDS) if (e[field] !== undefined) out[field] = e[field];
  for (const [k, v] of Object.entries(e)) {
    if (DROPPED.has(k) || k in out) continue;
    out[k] = SECRET_KEY.test(k) ? REDACTED : scrubValue(v, depth + 1);
  }
  if (e.cause !== undefined && depth < 5) out.cause = serializeError(e.cause, depth + 1);
  return out;
}

// pino's fast redaction for secrets logged as plain fields at the top level or one level down.
const REDACT_PATHS = [
  'password',
  'passwordHash',
  'token',
  'tokenHash',
  'secret',
  'authorization',
  'cookie',
  'parameters',
  'params',
].flatMap((k) => [k, `*.${k}`]);

function loggerOptions(level: pino.LevelWithSilent): pino.LoggerOptions {
  return {
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: { err: serializeError, error: serializeError, cause: serializeError },
  };
}

/** A logger writing to `destination` (tests read what it wrote). */
export function createLogger(level: pino.LevelWithSilent, destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}

const holder = globalThis as unknown as { __gantryLog?: Logger };

export function logger(): Logger {
  holder.__gantryLog ??= createLogger(env().LOG_LEVEL);
  return holder.__gantryLog;
}
