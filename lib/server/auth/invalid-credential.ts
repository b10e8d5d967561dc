// Invalid Bearer credentials - personal API tokens (`gty_`) and sweep results tokens (`gbr_`) -
// count against the client address in PostgreSQL (scope 'token-address', lib/server/auth/throttle.ts).
// Once the address is locked out, an invalid credential answers 429 with Retry-After instead of 401.
// A valid credential keeps working from a locked address: guessing a 256-bit token is hopeless anyway,
// so the lock is there to stop a scanner's load, not to lock out the scripts sharing its address (NAT).
import type { DbOrTx } from '@/lib/db/client';
import { tooManyRequests } from '../errors';
import { recordFailures } from './throttle';

// Addresses this process saw locked out: when the lock ends and when it was read (ms since epoch).
// An invalid credential from a cached address answers 429 without writing to the database again. An
// entry is trusted for LOCK_CACHE_MS at most, so a lock an admin clears (in PostgreSQL, which stays
// the record) ends on every replica within that time.
const LOCK_CACHE_MS = 30_000;
const LOCK_CACHE_ENTRIES = 10_000;
const lockedAddresses = new Map<string, { until: number; readAt: number }>();

const INVALID_TOKENS_MESSAGE = 'Too many invalid API tokens from this address; try again later';

/**
 * Counts one invalid credential from `address`. Like sign-in, the failure that reaches the limit
 * still answers as a failure (the caller's 401); the ones after it throw TOO_MANY_REQUESTS (429).
 * Without an address (a caller outside HTTP) nothing is counted.
 */
export async function countInvalidCredential(db: DbOrTx, address: string | null | undefined): Promise<void> {
  if (!address) return;
  const now = Date.now();
  const cached = lockedAddresses.get(address);
  if (cached && cached.until > now && now - cached.readAt < LOCK_CACHE_MS) {
    throw tooManyRequests(INVALID_TOKENS_MESSAGE, Math.ceil((cached.until - now) / 1000));
  }
  lockedAddresses.delete(address);
  const { retryAfterSeconds: retry, wasLocked } = await recordFailures(db, [{ scope: 'token-address', key: address }]);
  if (!retry) return;
  if (lockedAddresses.size >= LOCK_CACHE_ENTRIES) lockedAddresses.delete(lockedAddresses.keys().next().value!);
  lockedAddresses.set(address, { until: now + retry * 1000, readAt: now });
  if (wasLocked) throw tooManyRequests(INVALID_TOKENS_MESSAGE, retry);
}

/** Forgets this process's cached lock of an address (an admin cleared it here). */
export function forgetTokenLockout(address: string): void {
  lockedAddresses.delete(address);
}
