import type { Role } from '@/lib/server/context';

export interface NavItem {
  href: string;
  label: string;
  minRole: Role;
}

export const NAV_ITEMS: NavItem[] = [
  { href: '/', label: 'Overview', minRole: 'viewer' },
  { href: '/queue', label: 'Queue', minRole: 'viewer' },
  { href: '/jobs', label: 'Jobs', minRole: 'viewer' },
  { href: '/workflows', label: 'Workflows', minRole: 'viewer' },
  { href: '/gpus', label: 'GPUs', minRole: 'viewer' },
  { href: '/benchmarks', label: 'Benchmarks', minRole: 'viewer' },
  { href: '/admin', label: 'Admin', minRole: 'admin' },
];
