// What the benchmark runner image does, executed by the simulated cluster: the same HTTP exchange a
// real step has with Gantry (ask which configurations already have results, then POST one result
// per remaining configuration with the sweep's Bearer token), with the roofline performance model
// standing in for the measurement on a GPU.
import { readStepAttempt, readStepConfigurations } from '@/lib/domain/benchmarks/runner';
import { simulateBenchmark } from '@/lib/domain/benchmarks/perf-model';

export type RunnerLog = (msg: string, fields?: object) => void;

/** Runs one step; resolves to the container's exit code (0 when every result was stored). */
export async function runBenchmarkStep(
  env: Record<string, string | undefined>,
  log: RunnerLog = () => undefined,
): Promise<number> {
  const url = env.GANTRY_RESULTS_URL;
  const token = env.GANTRY_RESULTS_TOKEN;
  if (!url || !token) {
    log('benchmark runner: GANTRY_RESULTS_URL and GANTRY_RESULTS_TOKEN are required');
    return 2;
  }
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const configurations = readStepConfigurations(env);
  const attempt = readStepAttempt(env);
  // Resume: a retried step, or a sweep resubmitted after a cancel or a lost node, skips what is stored.
  const posted = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
  if (!posted.ok) {
    log('benchmark runner: could not list stored results', { status: posted.status });
    return 1;
  }
  const stored = new Set(((await posted.json()) as { configurationIds: string[] }).configurationIds);
  for (const c of configurations) {
    if (stored.has(c.configurationId)) continue;
    const result = simulateBenchmark(c.configuration, { attempt });
    const res = await fetch(url, {
      method: 'POST',
      headers,
      body: JSON.stringify(result),
      signal: AbortSignal.timeout(30_000),
    });
    if (res.status !== 200 && res.status !== 201) {
      log('benchmark runner: result refused', {
        configurationId: c.configurationId,
        status: res.status,
        body: (await res.text()).slice(0, 500),
      });
      return 1;
    }
  }
  return 0;
}
