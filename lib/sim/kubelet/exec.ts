// The containers the simulation really runs: Gantry's benchmark runner, and a `sh -c "curl ..."` GET
// (a parted sweep's fetch step), whose output file becomes its output parameter. Their env is
// resolved as the kubelet resolves it: values, and secretKeyRefs from the pod's namespace.
import { isBenchmarkRunnerImage } from '@/lib/domain/benchmarks/runner';
import { runBenchmarkStep } from '../benchmark-runner';
import { readCurlScript, runCurlScript } from '../curl';
import type { Store } from '../store';

type Log = (msg: string, fields?: object) => void;

/** What an executed image sees of its pod: the main container as the kubelet would start it. */
type PodExecution = {
  namespace: string;
  name: string;
  image: string;
  command: string[];
  env: Array<{ name: string; value?: string; valueFrom?: unknown }>;
  /** keeps a file the container wrote, for output parameters read from its path */
  writeFile?: (path: string, content: string) => void;
};

/**
 * Runs the main container of a pod for real when the image is one the simulation knows (Gantry's
 * benchmark runner); answers undefined for every other image, which runs on the model alone.
 * The pod ends at its modelled time or when the execution ends, whichever is later.
 */
export type PodExecutor = (pod: PodExecution) => Promise<number> | undefined;

/** The program a container runs for real, or undefined when it runs on the model alone. */
function programOf(pod: PodExecution, log: Log): ((env: Record<string, string>) => Promise<number>) | undefined {
  if (isBenchmarkRunnerImage(pod.image)) return (env) => runBenchmarkStep(env, log);
  const curl = readCurlScript(pod.command);
  if (!curl) return undefined;
  return async (env) => {
    const { exitCode, files } = await runCurlScript(curl, env, log);
    for (const [path, content] of Object.entries(files)) pod.writeFile?.(path, content);
    return exitCode;
  };
}

/** The container's env; undefined when a secretKeyRef names a Secret or key that does not exist. */
function resolveEnv(store: Store, pod: PodExecution, log: Log): Record<string, string> | undefined {
  const env: Record<string, string> = {};
  for (const e of pod.env) {
    const ref = (e.valueFrom as { secretKeyRef?: { name: string; key: string } } | undefined)?.secretKeyRef;
    if (!ref) {
      env[e.name] = e.value ?? '';
      continue;
    }
    const data = (store.get('secrets', pod.namespace, ref.name) as { data?: Record<string, string> } | undefined)?.data;
    if (data?.[ref.key] === undefined) {
      log('sim: secret key not found', { pod: pod.name, secret: ref.name, key: ref.key });
      return undefined;
    }
    env[e.name] = Buffer.from(data[ref.key], 'base64').toString('utf8');
  }
  return env;
}

export function createExecutor(store: Store, log: Log): PodExecutor {
  return (pod) => {
    const program = programOf(pod, log);
    if (!program) return undefined;
    const env = resolveEnv(store, pod, log);
    return env ? program(env) : Promise.resolve(1);
  };
}
