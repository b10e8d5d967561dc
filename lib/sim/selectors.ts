// Label and field selectors with the syntax of k8s.io/apimachinery/pkg/labels (selector.go):
// `a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`, joined by commas (AND).

export type Requirement =
  { key: string; op: 'in' | 'notin'; values: string[] } | { key: string; op: 'exists' | '!exists' };

export class SelectorError extends Error {}

const KEY = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?\/)?[a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?$/;
const VALUE = /^([a-z0-9A-Z]([-a-z0-9A-Z_.]*[a-z0-9A-Z])?)?$/;

/** Splits on commas that are not inside parentheses. */
export function splitTop(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(cur);
      cur = '';
    } else cur += ch;
  }
  parts.push(cur);
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function checkKey(key: string): string {
  if (!KEY.test(key)) throw new SelectorError(`invalid label key "${key}"`);
  return key;
}
function checkValue(value: string): string {
  if (!VALUE.test(value) || value.length > 63) throw new SelectorError(`invalid label value: "${value}"`);
  return value;
}

export function parseLabelSelector(text: string | undefined | null): Requirement[] {
  if (!text || !text.trim()) return [];
  return splitTop(text).map((part): Requirement => {
    let m = /^(\S+)\s+(in|notin)\s*\((.*)\)$/.exec(part);
    if (m) {
      const values = m[3].split(',').map((v) => checkValue(v.trim()));
      return { key: checkKey(m[1]), op: m[2] as 'in' | 'notin', values };
    }
    m = /^([^=!\s]+)\s*(==|=|!=)\s*(\S*)$/.exec(part);
    if (m) {
      const op = m[2] === '!=' ? 'notin' : 'in';
      return { key: checkKey(m[1]), op, values: [checkValue(m[3])] };
    }
    m = /^!\s*(\S+)$/.exec(part);
    if (m) return { key: checkKey(m[1]), op: '!exists' };
    if (/^\S+$/.test(part)) return { key: checkKey(part), op: 'exists' };
    throw new SelectorError(`unable to parse requirement: "${part}"`);
  });
}

export function matchesLabels(reqs: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return reqs.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case 'in':
        return has && r.values.includes(l[r.key]);
      case 'notin':
        return !has || !r.values.includes(l[r.key]);
    }
  });
}

export type FieldRequirement = { path: string; equal: boolean; value: string };

/** Field selectors support only `=`, `==`, `!=` on a few fields, like the API server. */
export function parseFieldSelector(text: string | undefined | null): FieldRequirement[] {
  if (!text || !text.trim()) return [];
  return splitTop(text).map((part) => {
    const m = /^([A-Za-z.]+)\s*(==|=|!=)\s*(.*)$/.exec(part);
    if (!m) throw new SelectorError(`invalid field selector: "${part}"`);
    return { path: m[1], equal: m[2] !== '!=', value: m[3].trim() };
  });
}

export function matchesFields(reqs: FieldRequirement[], obj: unknown): boolean {
  return reqs.every((r) => {
    let cur: unknown = obj;
    for (const seg of r.path.split('.'))
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    const actual = cur === undefined || cur === null ? '' : String(cur);
    return (actual === r.value) === r.equal;
  });
}
