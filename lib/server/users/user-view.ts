import type { Role } from '../context';

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** source 'oidc': set from the identity provider's groups at sign-in (OIDC_GROUP_MAP). */
  teams: { slug: string; name: string; source: 'manual' | 'oidc' }[];
  createdAt: string;
  disabled: boolean;
}
