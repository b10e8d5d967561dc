import type { Role } from '../context';

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: Role;
  teams: { slug: string; name: string }[];
  createdAt: string;
  disabled: boolean;
}
