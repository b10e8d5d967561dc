// Webhook secrets sign every delivery (HMAC needs the secret itself), so they are sealed, not
// hashed: AES-256-GCM with GANTRY_ENCRYPTION_KEY, or a key derived from NEXTAUTH_SECRET (HKDF) so a
// default install needs no new setting. After a key rotation an old secret cannot be opened: its
// deliveries fail saying so (never sent unsigned), and the webhook is created again.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { env } from '@/lib/env';
import { unavailable } from '../errors';

function key(): Buffer {
  const e = env();
  const material = e.GANTRY_ENCRYPTION_KEY ?? e.NEXTAUTH_SECRET;
  if (!material) throw unavailable('Webhook secrets need GANTRY_ENCRYPTION_KEY or NEXTAUTH_SECRET to be set');
  return Buffer.from(hkdfSync('sha256', material, 'gantry', 'webhook-secret-v1', 32));
}

/** v1.<iv>.<tag>.<ciphertext>, base64url. */
export function sealSecret(secret: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key(), iv);
  const data = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
  return ['v1', iv, cipher.getAuthTag(), data]
    .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
    .join('.');
}

/** The secret, or null when it was sealed under another key (the key was rotated). */
export function openSecret(sealed: string): string | null {
  const [v, iv, tag, data] = sealed.split('.');
  if (v !== 'v1' || !iv || !tag || data === undefined) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key(), Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
