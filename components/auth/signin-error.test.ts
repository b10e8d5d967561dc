import { describe, expect, it } from 'vitest';
import { signInErrorMessage } from './signin-error';

describe('sign-in error messages', () => {
  it('names each single sign-on failure on its own', () => {
    const codes = [
      'OAuthSignin',
      'OAuthCallback',
      'OidcNoEmail',
      'OidcAccountDisabled',
      'OidcNoAccess',
      'OidcEmailTaken',
    ];
    const messages = codes.map((c) => signInErrorMessage(c, 'Keycloak'));
    expect(new Set(messages).size).toBe(codes.length);
    expect(messages).not.toContain('Sign-in failed. Try again.');
    expect(signInErrorMessage('OAuthSignin', 'Keycloak')).toContain('Could not reach Keycloak');
  });

  it('falls back to the generic message, and says nothing without an error', () => {
    expect(signInErrorMessage('Callback', 'Keycloak')).toBe('Sign-in failed. Try again.');
    expect(signInErrorMessage('<script>', null)).toBe('Sign-in failed. Try again.');
    expect(signInErrorMessage(null, 'Keycloak')).toBeNull();
  });
});
