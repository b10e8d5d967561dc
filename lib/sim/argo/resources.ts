// Step accounting of the simulated controller: Argo's resourcesDuration of a pod.

/**
 * Argo's resourcesDuration: seconds x requested quantity / base unit, where the base is 1 for cpu and
 * GPUs and 100Mi for memory, with 100m cpu / 100Mi memory assumed when nothing is requested
 * (`util/resource/duration.go`).
 */
export function resourcesDuration(requests: Record<string, number>, seconds: number): Record<string, number> {
  const out: Record<string, number> = {
    cpu: Math.round(seconds * (requests.cpu || 0.1)),
    memory: Math.round((seconds * (requests.memory || 100 * 1024 * 1024)) / (100 * 1024 * 1024)),
  };
  for (const [k, v] of Object.entries(requests))
    if (k.startsWith('nvidia.com/') && v > 0) out[k] = Math.round(seconds * v);
  return out;
}
