/** One sign-in identity of a user as admins see it: the provider's issuer and subject. */
export interface UserIdentityView {
  issuer: string;
  subject: string;
  email: string | null;
  createdAt: string;
  lastSignInAt: string | null;
}
