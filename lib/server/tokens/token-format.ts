import { createHash, randomBytes } from 'node:crypto';

// `gty_` makes leaked tokens easy to spot by secret scanners; 32 random bytes make them unguessable.
export const TOKEN_PREFIX = 'gty_';

export function generateToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function displayPrefix(token: string): string {
  return token.slice(0, TOKEN_PREFIX.length + 6);
}
