// What the command-line entry points (scripts/gantry.ts, scripts/db-backup.ts) share: a fatal message
// with their tag, and the configuration read once, where a bad value is such a message, not a stack.
import { env, EnvError, type Env } from '@/lib/env';

export function failWith(tag: string): (msg: string) => never {
  return (msg) => {
    console.error(`[${tag}] ${msg}`);
    process.exit(1);
  };
}

export function loadEnvOr(fail: (msg: string) => never): Env {
  try {
    return env();
  } catch (e) {
    if (e instanceof EnvError) fail(e.message);
    throw e;
  }
}
