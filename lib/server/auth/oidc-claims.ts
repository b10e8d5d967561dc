import { readGroupsClaim } from '@/lib/domain/oidc-groups';
import type { OidcSignInInput } from './oidc-sign-in';

/** The parts of next-auth's openid-client (v5) TokenSet and Client that reading claims needs. */
interface TokenSetLike {
  access_token?: string;
  claims?: () => Record<string, unknown>;
}
interface ClientLike {
  issuer: { metadata: { userinfo_endpoint?: unknown } };
  userinfo(tokens: never): Promise<unknown>;
}

/**
 * All claims of a sign-in: the ID token's, then the userinfo response's on top. Spec-conforming
 * providers put `email` and `name` only in userinfo when an access token is issued (OIDC Core 5.4),
 * so reading the ID token alone loses them. openid-client checks that userinfo's `sub` equals the
 * ID token's; `iss` and `sub` are kept from the verified ID token whatever userinfo says.
 */
export async function readOidcClaims({
  tokens,
  client,
}: {
  tokens: TokenSetLike;
  client: ClientLike;
}): Promise<Record<string, unknown>> {
  // next-auth hands over openid-client's TokenSet (its type says only the parameters).
  if (typeof tokens.claims !== 'function') throw new TypeError('Expected a TokenSet with a verified ID token');
  const idClaims = tokens.claims();
  if (!client.issuer.metadata.userinfo_endpoint || !tokens.access_token) return idClaims;
  const userinfo = (await client.userinfo(tokens as never)) as Record<string, unknown>;
  return { ...idClaims, ...userinfo, iss: idClaims.iss, sub: idClaims.sub };
}

/** Maps raw claims to the sign-in verb's input. `email_verified` counts only when true (some send "true"). */
export function toOidcSignInInput(claims: Record<string, unknown>, groupsClaim: string): OidcSignInInput {
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : null);
  return {
    issuer: String(claims.iss ?? ''),
    subject: String(claims.sub ?? ''),
    email: str(claims.email),
    emailVerified: claims.email_verified === true || claims.email_verified === 'true',
    name:
      str(claims.name) ??
      str([claims.given_name, claims.family_name].filter(Boolean).join(' ')) ??
      str(claims.preferred_username),
    groups: readGroupsClaim(claims[groupsClaim]),
  };
}
