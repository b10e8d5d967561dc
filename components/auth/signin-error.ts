// What the sign-in page says for each `?error=` code: next-auth's own codes (pages.error is
// /signin) and the single sign-on refusals of lib/auth.ts (`Oidc` + lib/server/auth/oidc-sign-in.ts).
// Each failure a person can act on gets its own sentence; the rest share the generic one.

export function signInErrorMessage(code: string | null, provider: string | null): string | null {
  if (!code) return null;
  const name = provider ?? 'your identity provider';
  switch (code) {
    case 'OAuthSignin':
      return `Could not reach ${name}: the provider did not answer. Try again in a few minutes.`;
    case 'OAuthCallback':
      return `Signing in with ${name} did not complete: the provider did not answer or refused the request. Try again.`;
    case 'OidcNoEmail':
      return `${name} did not share an email address for your account, and Gantry needs one for a new account. Ask your identity team to release the email claim to Gantry.`;
    case 'OidcAccountDisabled':
      return 'Your Gantry account is disabled. Ask a Gantry admin to enable it.';
    case 'OidcNoAccess':
      return `Your groups at ${name} give you no access to Gantry. Ask to be added to a group that does.`;
    case 'TooManyAttempts':
      return 'Too many failed sign-ins for this account or from this network. Try again later, or ask a Gantry admin to clear the lockout.';
    case 'OidcEmailTaken':
      return `A Gantry account already uses your email address, but it is not linked to your ${name} identity. Ask a Gantry admin to link it.`;
    default:
      return 'Sign-in failed. Try again.';
  }
}
