// One key factory per entity, so invalidation after a mutation always hits the right queries.
export const tokenKeys = {
  all: ['tokens'] as const,
  list: () => [...tokenKeys.all, 'list'] as const,
};

export const userKeys = {
  all: ['users'] as const,
  list: () => [...userKeys.all, 'list'] as const,
  identities: (id: string) => [...userKeys.all, 'identities', id] as const,
};

export const lockoutKeys = {
  all: ['lockouts'] as const,
  list: () => [...lockoutKeys.all, 'list'] as const,
};

export const teamKeys = {
  all: ['teams'] as const,
  list: () => [...teamKeys.all, 'list'] as const,
  policy: (slug: string) => [...teamKeys.all, 'policy', slug] as const,
};

// A preview is a pure function of the pasted text and the expanded set, so both are the key.
export const workflowPreviewKeys = {
  all: ['workflow-preview'] as const,
  preview: (yaml: string, expanded: readonly string[]) => [...workflowPreviewKeys.all, { yaml, expanded }] as const,
};

export const benchmarkKeys = {
  all: ['benchmarks'] as const,
  datasets: () => [...benchmarkKeys.all, 'datasets'] as const,
  dataset: (id: string) => [...benchmarkKeys.all, 'dataset', id] as const,
  results: (id: string) => [...benchmarkKeys.all, 'dataset', id, 'results'] as const,
  profiles: () => [...benchmarkKeys.all, 'profiles'] as const,
  shares: (datasetId: string) => [...benchmarkKeys.all, 'shares', datasetId] as const,
};

export const telemetryKeys = {
  all: ['telemetry'] as const,
  series: (scope: string, id: string, range: string, metric: string) =>
    [...telemetryKeys.all, 'series', { scope, id, range, metric }] as const,
  heatmap: (pool: string, range: string) => [...telemetryKeys.all, 'heatmap', { pool, range }] as const,
  gpus: (pool: string) => [...telemetryKeys.all, 'gpus', pool] as const,
  idle: () => [...telemetryKeys.all, 'idle'] as const,
  usage: (period: string, groupBy: string) => [...telemetryKeys.all, 'usage', { period, groupBy }] as const,
  settings: () => [...telemetryKeys.all, 'settings'] as const,
  job: (id: string) => [...telemetryKeys.all, 'job', id] as const,
};

export const jobKeys = {
  all: ['jobs'] as const,
  list: (filter: Record<string, string>) => [...jobKeys.all, 'list', filter] as const,
  detail: (id: string) => [...jobKeys.all, 'detail', id] as const,
  workflow: (id: string) => [...jobKeys.all, 'workflow', id] as const,
  stepLog: (id: string, nodeId: string) => [...jobKeys.all, 'step-log', id, nodeId] as const,
};

export const quotaKeys = {
  all: ['quotas'] as const,
  mine: () => [...quotaKeys.all, 'mine'] as const,
  admin: () => [...quotaKeys.all, 'admin'] as const,
};

export const gpuKindKeys = {
  all: ['gpu-kinds'] as const,
  list: () => [...gpuKindKeys.all, 'list'] as const,
};
