// Deterministic randomness for the simulated cluster. Every draw is keyed by a string (seed + object
// name + purpose) rather than taken from one shared sequence, so a run's outcomes do not depend on
// the order in which requests happen to arrive.
import { fnv32a } from '@/lib/domain/workflow/pod-name';

/** A uniform number in [0, 1) fixed by the seed and the key. */
export function draw(seed: number, key: string): number {
  let x = (fnv32a(`${seed}:${key}`) ^ 0x9e3779b9) >>> 0;
  // one round of mulberry32 to spread the bits of the hash
  x = (x + 0x6d2b79f5) >>> 0;
  let t = Math.imul(x ^ (x >>> 15), 1 | x);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** A UUID-shaped string fixed by seed and key (for uids and GPU UUIDs). */
export function stableUuid(seed: number, key: string): string {
  const hex = [0, 1, 2, 3].map((i) => fnv32a(`${seed}:${key}:${i}`).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';

/** The suffix the API server appends for generateName (5 chars from the same alphabet). */
export function nameSuffix(seed: number, key: string): string {
  let out = '';
  for (let i = 0; i < 5; i++) out += ALNUM[Math.floor(draw(seed, `${key}:${i}`) * ALNUM.length)];
  return out;
}

/** A small string hash for stable fake addresses (pod and host IPs) and start delays. */
export function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) >>> 0;
  return h;
}
