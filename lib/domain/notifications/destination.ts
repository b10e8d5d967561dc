// Where a webhook may point. Checked when it is saved (the URL, and its host if it is an address)
// and again on every delivery against each address the name resolves to, so a DNS answer that
// changes after the check (rebinding) cannot reach what the check refused.
import { BlockList, isIP } from 'node:net';

export type Refusal = { field: 'url'; message: string };

/** Names that are cloud metadata services whatever they resolve to. */
const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata']);
/**
 * Instance metadata and host services outside link-local: AWS, GCP, Azure, OpenStack (IPv4) and AWS
 * Nitro (IPv6); GCP's IPv6 metadata server; Alibaba Cloud's metadata (in 100.64.0.0/10, shared
 * address space, so not link-local); Oracle Cloud Classic's; Azure's WireServer (host agent
 * configuration). None is ever a webhook receiver; an allow-list CIDR must not open them either.
 */
const METADATA_ADDRESSES = [
  '169.254.169.254',
  'fd00:ec2::254',
  'fd20:ce::254',
  '100.100.100.200',
  '192.0.0.192',
  '168.63.129.16',
];
const METADATA = new BlockList();
for (const a of METADATA_ADDRESSES) METADATA.addAddress(a, isIP(a) === 6 ? 'ipv6' : 'ipv4');

const ALWAYS_REFUSED = new BlockList();
ALWAYS_REFUSED.addSubnet('169.254.0.0', 16, 'ipv4'); // link-local, metadata included
ALWAYS_REFUSED.addSubnet('fe80::', 10, 'ipv6');
ALWAYS_REFUSED.addAddress('fd00:ec2::254', 'ipv6');
ALWAYS_REFUSED.addSubnet('0.0.0.0', 8, 'ipv4'); // "this network": 0.0.0.0 reaches the local host
ALWAYS_REFUSED.addAddress('::', 'ipv6');
ALWAYS_REFUSED.addSubnet('224.0.0.0', 4, 'ipv4'); // multicast
ALWAYS_REFUSED.addSubnet('ff00::', 8, 'ipv6');

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/** The admin's allow-list (GANTRY_WEBHOOK_ALLOW): host names (`hooks.slack.com`, `*.example.com`) and CIDRs. */
export interface AllowList {
  hosts: string[];
  cidrs: BlockList;
  /** the entries as written, to say what is allowed */
  entries: string[];
}

/** Parses `hooks.slack.com, *.corp.example, 10.0.0.0/8, 127.0.0.1/32`; throws naming a bad entry. */
export function parseAllowList(text: string | undefined): AllowList | null {
  const entries = (text ?? '').split(/[\s,]+/).filter(Boolean);
  if (!entries.length) return null;
  const hosts: string[] = [];
  const cidrs = new BlockList();
  for (const entry of entries) {
    const [addr, bits, extra] = entry.split('/');
    const family = isIP(addr);
    if (family && extra === undefined) {
      const max = family === 4 ? 32 : 128;
      const prefix = bits === undefined ? max : Number(bits);
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits)))
        throw new Error(`bad CIDR "${entry}"`);
      cidrs.addSubnet(addr, prefix, family === 4 ? 'ipv4' : 'ipv6');
    } else if (/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i.test(entry)) {
      hosts.push(entry.toLowerCase());
    } else {
      throw new Error(`"${entry}" is neither a host name nor a CIDR`);
    }
  }
  return { hosts, cidrs, entries };
}

function familyOf(address: string): 'ipv4' | 'ipv6' {
  return isIP(address) === 6 ? 'ipv6' : 'ipv4';
}

/** ::ffff:10.0.0.1 is 10.0.0.1: checked as the IPv4 address it reaches. */
function unmapAddress(address: string): string {
  const dotted = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (dotted) return dotted[1];
  // WHATWG URL writes [::ffff:169.254.169.254] as [::ffff:a9fe:a9fe]
  const hex = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
  if (!hex) return address;
  const [hi, lo] = [parseInt(hex[1], 16), parseInt(hex[2], 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

function hostAllowed(host: string, allow: AllowList): boolean {
  return allow.hosts.some((h) => (h.startsWith('*.') ? host.endsWith(h.slice(1)) : host === h));
}

/** Whether one resolved address may be reached (null) or why not. */
export function checkAddress(rawAddress: string, host: string, allow: AllowList | null): string | null {
  const address = unmapAddress(rawAddress.replace(/^\[|\]$/g, ''));
  if (!isIP(address)) return `"${address}" is not an IP address`;
  const family = familyOf(address);
  // a BlockList, not string equality: DNS may answer fd20:00ce:0::254 for fd20:ce::254
  if (METADATA.check(address, family)) return `${address} is a cloud metadata address`;
  if (ALWAYS_REFUSED.check(address, family)) return `${address} is a link-local, unspecified or multicast address`;
  const listed = allow?.cidrs.check(address, family) ?? false;
  if (LOOPBACK.check(address, family) && !listed)
    return `${address} is a loopback address (an admin may allow it with GANTRY_WEBHOOK_ALLOW)`;
  if (allow && !listed && !hostAllowed(host, allow)) return `${host} (${address}) is not in the webhook allow-list`;
  return null;
}

/** Parses and checks a webhook URL as saved; an address in it is checked too, a name at delivery. */
export function checkWebhookUrl(raw: string, allow: AllowList | null): { url: URL } | Refusal {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { field: 'url', message: 'Not a URL' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return { field: 'url', message: 'Only http and https URLs' };
  if (url.username || url.password)
    return { field: 'url', message: 'Put credentials in the secret or the path, not in the URL' };
  const host = url.hostname
    .replace(/^\[|\]$/g, '')
    .toLowerCase()
    .replace(/\.$/, '');
  if (!host) return { field: 'url', message: 'The URL has no host' };
  if (METADATA_NAMES.has(host)) return { field: 'url', message: `${host} is a cloud metadata service` };
  if (isIP(unmapAddress(host))) {
    const why = checkAddress(host, host, allow);
    if (why) return { field: 'url', message: why };
  } else if (host === 'localhost' || host.endsWith('.localhost')) {
    if (!allow || !(hostAllowed(host, allow) || allow.cidrs.check('127.0.0.1', 'ipv4')))
      return {
        field: 'url',
        message: 'localhost is a loopback address (an admin may allow it with GANTRY_WEBHOOK_ALLOW)',
      };
  } else if (allow && !hostAllowed(host, allow) && allow.hosts.length && !allowsAnyCidr(allow)) {
    return { field: 'url', message: `${host} is not in the webhook allow-list (${allow.entries.join(', ')})` };
  }
  return { url };
}

// A name not in the host list may still resolve into an allowed CIDR: only delivery can tell.
function allowsAnyCidr(allow: AllowList): boolean {
  return allow.entries.some((e) => e.includes('/') || isIP(e));
}
