// Example jobs of every kind, parsed through the real schemas: for tests here and in lib/server.
import { Job } from './job';

// Where the scheduler would place each kind: the pools of ARCHITECTURE.md.
const PLACEMENTS = {
  a100Timeslice: {
    pool: 'a100-timeslice',
    nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB', 'workload-type': 'training' },
    tolerations: [{ key: 'gpu', operator: 'Equal', value: 'true', effect: 'NoSchedule' }],
    resourceName: 'nvidia.com/gpu',
  },
  t4: {
    pool: 't4',
    nodeSelector: { 'nvidia.com/gpu.product': 'Tesla-T4' },
    tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }],
  },
  a100Mig: {
    pool: 'a100-mig',
    nodeSelector: { 'nvidia.com/mig.strategy': 'mixed' },
    tolerations: [{ key: 'gpu', operator: 'Equal', value: 'mig', effect: 'NoSchedule' }],
    resourceName: 'nvidia.com/mig-1g.10gb',
  },
} as const;

const base = {
  name: 'nightly run',
  owner: 'alice@example.com',
  team: 'research',
  priority: 'high',
  gpu: { kind: 'A100-80GB', count: 4 },
  placement: PLACEMENTS.a100Timeslice,
  maxRuntimeSeconds: 6 * 3600,
} as const;

export function makeTrainingJob(overrides: Record<string, unknown> = {}): Job {
  return Job.parse({
    ...base,
    id: '42',
    kind: 'training',
    spec: {
      image: 'ghcr.io/acme/trainer:2.1',
      command: ['python', 'train.py'],
      args: ['--config', '{{inputs.parameters.config-file}}'],
      env: { WANDB_MODE: 'offline' },
      configFile: 'configs/llama-7b.yaml',
      workDir: '/workspace/alice',
      memory: '64Gi',
    },
    ...overrides,
  });
}

export function makeEmbeddingJob(overrides: Record<string, unknown> = {}): Job {
  return Job.parse({
    ...base,
    id: '43',
    kind: 'embedding',
    gpu: { kind: 'T4', count: 24 },
    placement: PLACEMENTS.t4,
    spec: {
      datasetUri: 's3://corpus/docs.parquet',
      outputUri: 's3://corpus/embeddings/43',
      documents: 100_000_000,
      chunkSize: 10_000,
      parallelism: 32,
    },
    ...overrides,
  });
}

export function makeBenchmarkJob(configurations = 12, overrides: Record<string, unknown> = {}): Job {
  const lrs = [0.1, 0.01, 0.001, 0.0001];
  return Job.parse({
    ...base,
    id: '44',
    kind: 'benchmark',
    gpu: { kind: 'mig-1g.10gb', count: 3 },
    placement: PLACEMENTS.a100Mig,
    spec: {
      image: 'ghcr.io/acme/bench:1',
      command: ['python', 'bench.py'],
      configurations: Array.from({ length: configurations }, (_, i) => ({
        id: `c${i}`,
        parameters: { lr: lrs[i % lrs.length], batch: 2 ** (Math.floor(i / lrs.length) % 8), model: 'bert-base' },
      })),
      resultsUrl: 'https://gantry.example/api/sweeps/44/results',
      configurationsUrl: 'https://gantry.example/api/sweeps/44/configurations',
    },
    ...overrides,
  });
}

export const USER_WORKFLOW_YAML = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: my-pipeline-
  namespace: someone-elses
  labels:
    app: mine
    gantry.dev/job-id: spoofed
spec:
  entrypoint: main
  activeDeadlineSeconds: 999999
  nodeSelector:
    disk: ssd
  templates:
  - name: main
    dag:
      tasks:
      - name: fetch
        template: fetch
      - name: train
        template: train
        depends: fetch
  - name: fetch
    container:
      image: alpine:3.20
      command: [sh, -c, "echo fetch"]
  - name: train
    container:
      image: ghcr.io/acme/trainer:2.1
      command: [python, train.py]
      resources:
        limits:
          nvidia.com/gpu: 8
          memory: 32Gi
`;

export function makeRawWorkflowJob(yaml = USER_WORKFLOW_YAML, overrides: Record<string, unknown> = {}): Job {
  return Job.parse({ ...base, id: '45', kind: 'workflow', spec: { yaml }, ...overrides });
}
