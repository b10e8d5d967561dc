// The worker process: runs background loops until SIGINT/SIGTERM, then finishes in-flight runs.
import os from 'node:os';
import { getDbHandle } from '@/lib/db/client';
import { env, EnvError } from '@/lib/env';
import { logger } from '@/lib/log';
import { startLoops } from './loop';
import { lowerProcessPriority } from './priority';
import { workerLoops } from './loops';

async function main() {
  try {
    env();
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const log = logger().child({ svc: 'worker' });
  const nice = env().GANTRY_WORKER_NICE;
  if (nice > 0) log.info({ nice, threads: lowerProcessPriority(nice) }, 'worker runs at a lower CPU priority');
  const handle = getDbHandle();
  const runner = startLoops(workerLoops(), { ...handle, log, holder: `${os.hostname()}:${process.pid}` });
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'worker stopping');
    await runner.stop();
    await handle.close();
    log.info('worker stopped');
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

void main();
