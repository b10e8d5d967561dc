// `npm run sim`: the simulated cluster on its own. Settings come from lib/env (GANTRY_SIM_PORT,
// GANTRY_SIM_SPEED, GANTRY_SIM_SEED, GANTRY_DATA_DIR).
import path from 'node:path';
import { env } from '@/lib/env';
import { simOptionsFromEnv, startSimCluster } from './server';

async function main(): Promise<void> {
  const e = env();
  const log = (msg: string, fields?: object) =>
    console.log(JSON.stringify({ time: new Date().toISOString(), msg, ...fields }));
  const sim = await startSimCluster({ ...simOptionsFromEnv(e), log });
  const relative = path.relative(process.cwd(), sim.kubeconfigPath);
  const rel = relative && !relative.startsWith('..') ? relative : sim.kubeconfigPath;
  console.log(`\nSimulated cluster ready at ${sim.url} (seed ${e.GANTRY_SIM_SEED}, speed x${e.GANTRY_SIM_SPEED})`);
  console.log(`  kubectl --kubeconfig ${rel} get nodes`);
  console.log(`  kubectl --kubeconfig ${rel} -n gantry-jobs create -f <an Argo workflow.yaml>`);
  console.log(`  kubectl --kubeconfig ${rel} -n gantry-jobs get workflows -w`);
  console.log(`  curl ${sim.url}/sim/dcgm/metrics\n`);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log('stopping simulated cluster', { signal });
    sim.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
