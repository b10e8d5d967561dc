import type { GantryRole, GroupMapping } from '@/lib/domain/oidc-groups';
import { env } from '@/lib/env';

/** The single sign-on settings the sign-in verb applies; tests pass their own. */
export interface OidcPolicy {
  /** 'verified-email': a new subject may join the local account with its email when the provider verified it. */
  linkExisting: 'never' | 'verified-email';
  groupMap: GroupMapping[];
  defaultRole: GantryRole | 'none';
}

export function oidcPolicy(): OidcPolicy {
  const e = env();
  return { linkExisting: e.OIDC_LINK_EXISTING, groupMap: e.OIDC_GROUP_MAP, defaultRole: e.OIDC_DEFAULT_ROLE };
}

/**
 * Issuers are compared without a trailing slash: `https://id.example.com/` in a setting and
 * `https://id.example.com` in a token name the same provider, and a stored pair must match both.
 */
export function normalizeIssuer(issuer: string): string {
  return issuer.trim().replace(/\/+$/, '');
}
