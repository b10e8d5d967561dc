// The training job that integration tests, e2e journeys and benchmarks submit (the body of
// POST /api/jobs, or submitJob's input): one GPU of the simulated cluster's a100-80gb-shared kind,
// which the demo team vision has quota for. No imports, so a Playwright spec can use it too.

export interface TrainingJobOptions {
  /** How long the simulated cluster runs the step (GANTRY_SIM_DURATION_SECONDS, which a real cluster ignores); without it the simulation draws a duration. */
  simSeconds?: number;
  expectedRuntimeSeconds?: number;
  maxRuntimeSeconds?: number;
}

export function trainingJob(name: string, opts: TrainingJobOptions = {}) {
  return {
    name,
    kind: 'training' as const,
    gpu: { kind: 'a100-80gb-shared', count: 1 },
    expectedRuntimeSeconds: opts.expectedRuntimeSeconds ?? 600,
    maxRuntimeSeconds: opts.maxRuntimeSeconds ?? 3600,
    spec: {
      image: 'ghcr.io/acme/train:1.4',
      command: ['python', 'train.py'],
      ...(opts.simSeconds === undefined ? {} : { env: { GANTRY_SIM_DURATION_SECONDS: String(opts.simSeconds) } }),
    },
  };
}
