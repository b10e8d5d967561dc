import { createHash, randomBytes } from 'node:crypto';

// `gbr_` (Gantry benchmark results) tells this token apart from personal `gty_` tokens: it can
// only post results into one dataset, which is all a sweep step inside the cluster should hold.
export const RESULTS_TOKEN_PREFIX = 'gbr_';

export function generateResultsToken(): string {
  return RESULTS_TOKEN_PREFIX + randomBytes(32).toString('base64url');
}

export function hashSecret(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
