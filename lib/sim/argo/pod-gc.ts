// Argo's pod garbage collection settings (spec.podGC), read the way its pod GC queue reads them.

/** spec.podGC: strategy and deleteDelayDuration (a Go duration such as `30s`, `2m`, `1h30m`) in ms. */
export function podGcOf(spec: Record<string, unknown>): { strategy?: string; delayMs: number } {
  const gc = spec.podGC as { strategy?: string; deleteDelayDuration?: string } | undefined;
  return { strategy: gc?.strategy, delayMs: parseGoDuration(gc?.deleteDelayDuration) };
}

function parseGoDuration(d: string | undefined): number {
  if (!d) return 0;
  let ms = 0;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  for (const m of d.trim().matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)) ms += Number(m[1]) * unit[m[2]];
  return ms;
}
