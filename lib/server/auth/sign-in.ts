import type { DbOrTx } from '@/lib/db/client';
import { tooManyRequests } from '../errors';
import { accountKey, clearFailures, findLockout, recordFailures, type ThrottleKey } from './throttle';
import { verifyCredentials, type SignedInActor } from './verify-credentials';

export interface SignInAttempt {
  email: string;
  password: string;
  /** The client address (lib/http/client-address.ts); null when unknown, then only the account counts. */
  address: string | null;
}

function signInKeys(email: string, address: string | null): ThrottleKey[] {
  return [accountKey(email), ...(address ? [{ scope: 'address' as const, key: address }] : [])];
}

const LOCKED_OUT_MESSAGE = 'Too many failed sign-ins; try again later';

/** Throws TOO_MANY_REQUESTS while the account or the address is locked out. */
export async function assertSignInAllowed(db: DbOrTx, email: string, address: string | null): Promise<void> {
  const retry = await findLockout(db, signInKeys(email, address));
  if (retry) throw tooManyRequests(LOCKED_OUT_MESSAGE, retry);
}

/**
 * Password sign-in with throttling: a locked account or address is refused before the password is
 * checked (so guessing stops even with the right password); a mismatch counts against both; a
 * success resets the account's counter (not the address's, or one valid account would reset it for
 * guesses at every other). Returns null for a mismatch, like verifyCredentials.
 */
export async function signInWithPassword(db: DbOrTx, attempt: SignInAttempt): Promise<SignedInActor | null> {
  await assertSignInAllowed(db, attempt.email, attempt.address);
  const actor = await verifyCredentials(db, attempt.email, attempt.password);
  if (!actor) {
    await recordFailures(db, signInKeys(attempt.email, attempt.address));
    return null;
  }
  await clearFailures(db, accountKey(attempt.email));
  return actor;
}
