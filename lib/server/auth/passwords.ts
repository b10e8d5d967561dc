import bcrypt from 'bcryptjs';
import { z } from 'zod';

// bcrypt cost 10 takes ~60 ms here: slow enough to resist guessing, fast enough for sign-in.
const COST = 10;

/**
 * bcrypt reads only the first 72 bytes of a password and silently ignores the rest, so a longer one
 * would be accepted with any tail. Gantry keeps bcrypt and refuses longer passwords everywhere: when
 * one is set (a 400 naming the field) and at sign-in (a failed sign-in, never a truncated compare).
 */
const MAX_PASSWORD_BYTES = 72;

export function passwordTooLong(password: string): boolean {
  return Buffer.byteLength(password, 'utf8') > MAX_PASSWORD_BYTES;
}

/** The password field of every verb that sets one. */
export const NewPassword = z
  .string()
  .min(8, 'At least 8 characters')
  .refine((p) => !passwordTooLong(p), `At most ${MAX_PASSWORD_BYTES} bytes in UTF-8 (bcrypt ignores anything longer)`);

export function hashPassword(password: string): Promise<string> {
  if (passwordTooLong(password)) throw new Error(`password longer than ${MAX_PASSWORD_BYTES} bytes`);
  return bcrypt.hash(password, COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (passwordTooLong(password)) return Promise.resolve(false);
  return bcrypt.compare(password, hash);
}
