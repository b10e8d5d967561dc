// Structured JSON logs (one object per line) for the web server, the worker and the launcher.
import pino from 'pino';
import { env } from '@/lib/env';

export type Logger = pino.Logger;

const holder = globalThis as unknown as { __gantryLog?: Logger };

export function logger(): Logger {
  holder.__gantryLog ??= pino({
    level: env().LOG_LEVEL,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
  return holder.__gantryLog;
}
