import type { LoggerInstance } from 'next-auth';
import { logger } from '@/lib/log';

/**
 * next-auth's own logger, through Gantry's: one JSON line per event with its code and the cause
 * (for a provider outage, the connection error), instead of next-auth's multi-line console text.
 * Debug events are dropped: their metadata holds tokens and profiles.
 */
export function nextAuthLogger(): Partial<LoggerInstance> {
  return {
    error(code, metadata) {
      logger().error({ event: 'next-auth', code, ...describe(metadata) }, `next-auth ${code}`);
    },
    warn(code) {
      logger().warn({ event: 'next-auth', code }, `next-auth ${code}`);
    },
    debug() {},
  };
}

function describe(metadata: unknown): Record<string, unknown> {
  if (metadata instanceof Error) return { cause: causeOf(metadata) };
  if (metadata && typeof metadata === 'object') {
    const { error, providerId } = metadata as { error?: unknown; providerId?: string };
    return { providerId, cause: error instanceof Error ? causeOf(error) : undefined };
  }
  return {};
}

/** The error and its chain of causes, as short text: `fetch failed: connect ECONNREFUSED 127.0.0.1:9`. */
function causeOf(error: Error): string {
  const parts: string[] = [];
  let e: unknown = error;
  for (let depth = 0; e instanceof Error && depth < 5; depth++) {
    const code = (e as { code?: string }).code;
    parts.push(code && !e.message.includes(code) ? `${e.message} (${code})` : e.message);
    e = e.cause ?? (e instanceof AggregateError ? e.errors[0] : undefined);
  }
  return parts.filter(Boolean).join(': ');
}
