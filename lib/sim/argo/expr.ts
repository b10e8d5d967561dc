// The small expression languages a workflow uses: `{{...}}` substitution, `when:` conditions
// (govaluate in Argo) and DAG `depends:` logic (Argo `workflow/common/ancestry.go`).

export type Scope = Record<string, string>;

/** Replaces `{{name}}` (and `{{ name }}`) with scope values; unknown names are left as written. */
export function substitute(text: string, scope: Scope): string {
  if (!text.includes('{{')) return text;
  return text.replace(/\{\{\s*([^{}]+?)\s*\}\}/g, (whole, name: string) => (name in scope ? scope[name] : whole));
}

/** Substitutes inside any JSON-like value (strings only). */
export function substituteDeep<T>(value: T, scope: Scope): T {
  if (typeof value === 'string') return substitute(value, scope) as T;
  if (Array.isArray(value)) return value.map((v) => substituteDeep(v, scope)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteDeep(v, scope)])) as T;
  }
  return value;
}

export class ExprError extends Error {}

type Tok = { t: 'op' | 'val' | '(' | ')'; v: string };

function tokenize(src: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const two = src.slice(i, i + 2);
    if (['&&', '||', '==', '!=', '>=', '<=', '=~', '!~'].includes(two)) {
      out.push({ t: 'op', v: two });
      i += 2;
    } else if (c === '<' || c === '>' || c === '!') {
      out.push({ t: 'op', v: c });
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ t: c, v: c });
      i++;
    } else if (c === '"' || c === "'") {
      const end = src.indexOf(c, i + 1);
      if (end < 0) throw new ExprError(`unterminated string in "${src}"`);
      out.push({ t: 'val', v: src.slice(i + 1, end) });
      i = end + 1;
    } else {
      let j = i;
      while (j < src.length && !/[\s()&|=!<>~]/.test(src[j])) j++;
      if (j === i) throw new ExprError(`unexpected "${c}" in "${src}"`);
      out.push({ t: 'val', v: src.slice(i, j) });
      i = j;
    }
  }
  return out;
}

type V = string | number | boolean;

function compare(a: V, op: string, b: V): boolean {
  const na = Number(a);
  const nb = Number(b);
  const numeric =
    typeof a !== 'boolean' &&
    typeof b !== 'boolean' &&
    String(a) !== '' &&
    String(b) !== '' &&
    !isNaN(na) &&
    !isNaN(nb);
  switch (op) {
    case '==':
      return numeric ? na === nb : String(a) === String(b);
    case '!=':
      return numeric ? na !== nb : String(a) !== String(b);
    case '<':
      return na < nb;
    case '>':
      return na > nb;
    case '<=':
      return na <= nb;
    case '>=':
      return na >= nb;
    case '=~':
      return new RegExp(String(b)).test(String(a));
    case '!~':
      return !new RegExp(String(b)).test(String(a));
  }
  throw new ExprError(`unknown operator ${op}`);
}

/**
 * Evaluates a boolean expression. `lookup` resolves bare words (e.g. `A.Succeeded` in depends);
 * words it does not know are literals, so `heads == heads` works as in Argo's govaluate use.
 */
export function evaluate(src: string, lookup: (word: string) => V | undefined = () => undefined): boolean {
  const toks = tokenize(src);
  let p = 0;
  const peek = () => toks[p];
  const atom = (): V => {
    const t = toks[p++];
    if (!t) throw new ExprError(`unexpected end of "${src}"`);
    if (t.t === '(') {
      const v = or();
      if (toks[p++]?.t !== ')') throw new ExprError(`missing ) in "${src}"`);
      return v;
    }
    if (t.t === 'op' && t.v === '!') return !truthy(atom());
    if (t.t !== 'val') throw new ExprError(`unexpected "${t.v}" in "${src}"`);
    const known = lookup(t.v);
    if (known !== undefined) return known;
    if (t.v === 'true') return true;
    if (t.v === 'false') return false;
    return t.v;
  };
  const cmp = (): V => {
    const a = atom();
    const t = peek();
    if (t && t.t === 'op' && !['&&', '||', '!'].includes(t.v)) {
      p++;
      return compare(a, t.v, atom());
    }
    return a;
  };
  const and = (): V => {
    let v = cmp();
    while (peek()?.v === '&&') {
      p++;
      const r = cmp();
      v = truthy(v) && truthy(r);
    }
    return v;
  };
  const or = (): V => {
    let v = and();
    while (peek()?.v === '||') {
      p++;
      const r = and();
      v = truthy(v) || truthy(r);
    }
    return v;
  };
  const v = or();
  if (p !== toks.length) throw new ExprError(`unexpected "${toks[p].v}" in "${src}"`);
  return truthy(v);
}

function truthy(v: V): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (v === 'true') return true;
  if (v === 'false' || v === '') return false;
  throw new ExprError(`"${v}" is not a boolean`);
}

/** Task names a `depends:` expression refers to (`A && (B.Failed || C)` -> A, B, C). */
export function dependsTasks(depends: string): string[] {
  const names = new Set<string>();
  for (const m of depends.matchAll(/[A-Za-z0-9_-]+(?:\.[A-Za-z]+)?/g)) names.add(m[0].split('.')[0]);
  return [...names];
}

const FAILED = ['Failed', 'Error'];

/**
 * Evaluates `depends:` given each dependency's phase. A bare name means
 * `(X.Succeeded || X.Skipped || X.Daemoned)`, as documented for enhanced depends logic.
 */
export function evaluateDepends(
  depends: string,
  phaseOf: (task: string) => string | undefined,
  anyOf?: (task: string) => string[],
): boolean {
  return evaluate(depends, (word) => {
    const [task, prop] = word.split('.');
    const phase = phaseOf(task);
    if (phase === undefined) return undefined;
    switch (prop) {
      case undefined:
        return phase === 'Succeeded' || phase === 'Skipped';
      case 'Succeeded':
      case 'Skipped':
      case 'Omitted':
        return phase === prop;
      case 'Failed':
        return phase === 'Failed';
      case 'Errored':
        return phase === 'Error';
      case 'Daemoned':
        return false;
      case 'AnySucceeded':
        return (anyOf?.(task) ?? [phase]).some((p) => p === 'Succeeded');
      case 'AllFailed':
        return (anyOf?.(task) ?? [phase]).every((p) => FAILED.includes(p));
      default:
        throw new ExprError(`unknown task result "${prop}" in "${depends}"`);
    }
  });
}
