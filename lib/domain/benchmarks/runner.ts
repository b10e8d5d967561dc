// The contract between a benchmark sweep's steps and Gantry: the runner image, the environment a
// step receives (set by lib/domain/workflow/builders/benchmark.ts) and how it turns into the
// configurations to measure. Pure, so the server, the simulated cluster and tests agree on it.
import { z } from 'zod';
import { BenchmarkConfiguration, formatConfigurationId } from './configuration';

/** The image Gantry's own sweeps run; the simulated cluster executes it with the performance model. */
export const BENCHMARK_RUNNER_IMAGE = 'ghcr.io/gantry-dev/benchmark-runner:1';
export const BENCHMARK_RUNNER_COMMAND = ['gantry-benchmark-runner'];

export function isBenchmarkRunnerImage(image: string): boolean {
  return image.split(':')[0] === BENCHMARK_RUNNER_IMAGE.split(':')[0];
}

const StepItem = z.object({ id: z.string(), parameters: BenchmarkConfiguration });

export interface StepConfiguration {
  /** the id in the job spec (`c<index>`) */
  stepId: string;
  /** the id results are stored under (formatConfigurationId) */
  configurationId: string;
  configuration: BenchmarkConfiguration;
}

/**
 * The configurations of one step from its env: `GANTRY_CONFIG` is either one configuration's
 * parameters (with `GANTRY_CONFIG_ID`) or, for a chunked sweep, a JSON array of `{ id, parameters }`.
 */
export function readStepConfigurations(env: Record<string, string | undefined>): StepConfiguration[] {
  const raw: unknown = JSON.parse(env.GANTRY_CONFIG ?? 'null');
  const items = Array.isArray(raw)
    ? z.array(StepItem).parse(raw)
    : [StepItem.parse({ id: env.GANTRY_CONFIG_ID ?? '', parameters: raw })];
  return items.map((i) => ({
    stepId: i.id,
    configurationId: formatConfigurationId(i.parameters),
    configuration: i.parameters,
  }));
}

/** Argo's `{{retries}}` counts from 0; stored attempts count from 1. */
export function readStepAttempt(env: Record<string, string | undefined>): number {
  const retries = Number(env.GANTRY_ATTEMPT ?? '0');
  return Number.isInteger(retries) && retries >= 0 ? retries + 1 : 1;
}
