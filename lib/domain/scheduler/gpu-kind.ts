// Human words for GPU kind ids, so messages read "8 A100-80GB GPUs" or "2 A100-80GB MIG 1g.10gb
// slices" instead of raw ids.

export interface KindWords {
  /** "A100-80GB", "A100-80GB MIG 1g.10gb", "shared A100-80GB" */
  name: string;
  /** "GPU", "slice", "share" */
  unit: string;
}

const described = new Map<string, KindWords>();

export function describeKind(kind: string): KindWords {
  let words = described.get(kind);
  if (!words) described.set(kind, (words = wordsFor(kind)));
  return words;
}

function wordsFor(kind: string): KindWords {
  const mig = /^(.*)-mig-(.+)$/.exec(kind);
  if (mig) return { name: `${mig[1].toUpperCase()} MIG ${mig[2]}`, unit: 'slice' };
  const shared = /^(.*)-shared$/.exec(kind);
  if (shared) return { name: `shared ${shared[1].toUpperCase()}`, unit: 'share' };
  return { name: kind.toUpperCase(), unit: 'GPU' };
}

/** "8 A100-80GB GPUs", "1 A100-80GB MIG 1g.10gb slice" */
export function formatGpus(count: number, kind: string): string {
  const { name, unit } = describeKind(kind);
  return `${count} ${name} ${unit}${count === 1 ? '' : 's'}`;
}

const MINUTE_MS = 60_000;
/** Rendered minutes (a pass names the same few thousand instants again and again); bounded. */
const minutes = new Map<number, string>();

/** A deterministic, timezone-free rendering of an instant for messages. */
export function formatInstant(ms: number): string {
  // The text shows whole minutes, so every instant of one minute reads the same (Date truncates).
  const minute = Math.floor(Math.trunc(ms) / MINUTE_MS);
  let text = minutes.get(minute);
  if (text === undefined) {
    text = `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
    if (minutes.size >= 50_000) minutes.clear();
    minutes.set(minute, text);
  }
  return text;
}
