import { z } from 'zod';
import { AppError, type FieldError } from './errors';

/** Turns zod issues into field errors whose names match the request body (`gpu.count`, `args[1]`). */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: formatPath(issue.path) || '(body)',
    message: issue.message,
  }));
}

function formatPath(path: PropertyKey[]): string {
  return path.reduce<string>((acc, part) => {
    if (typeof part === 'number') return `${acc}[${part}]`;
    return acc ? `${acc}.${String(part)}` : String(part);
  }, '');
}

/** Every verb validates its own input, so the web app, the worker and tests get the same checks. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new AppError('INVALID', 'The request has invalid fields', toFieldErrors(result.error));
  }
  return result.data;
}

// Ids are plain decimal: `z.coerce.number()` reads '0x10' as 16, '1e3' as 1000 and ' 7 ' as 7, so
// /api/jobs/0x10 answered job 16. Numbers (from the worker, tests) and decimal strings pass; 15
// digits stay below 2^53 and PostgreSQL's bigint.
const DECIMAL_ID = /^[1-9][0-9]{0,14}$/;

/** A job id: a positive integer, or its plain decimal spelling. */
export const JobId = z.union(
  [z.number().int().positive().max(Number.MAX_SAFE_INTEGER), z.string().regex(DECIMAL_ID).transform(Number)],
  { error: 'Not a job id' },
);

// NUL cannot be stored in PostgreSQL text or jsonb, and a lone UTF-16 surrogate is not Unicode (jsonb
// refuses it, other systems mangle it): no field may hold either. With the u flag, \p{Cs} matches only
// unpaired surrogates (a pair reads as one astral code point).
const UNSAFE_TEXT = /[\0\p{Cs}]/u;

function unsafeText(s: string): string | null {
  const hit = UNSAFE_TEXT.exec(s);
  if (!hit) return null;
  return hit[0] === '\0' ? 'must not contain NUL characters' : 'must not contain unpaired UTF-16 surrogates';
}

/**
 * The field errors for every string (and object key) in a parsed JSON value or query that holds
 * NUL or a lone surrogate, named like zod's (`spec.args[1]`); `prefix` names where the value came from.
 */
export function findUnsafeText(value: unknown, prefix = ''): FieldError[] {
  const found: FieldError[] = [];
  const walk = (v: unknown, path: string) => {
    if (typeof v === 'string') {
      const why = unsafeText(v);
      if (why) found.push({ field: path || '(body)', message: `Text ${why}` });
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) walk(v[i], `${path}[${i}]`);
    } else if (v !== null && typeof v === 'object') {
      for (const [key, child] of Object.entries(v)) {
        const at = path ? `${path}.${key}` : key;
        const why = unsafeText(key);
        if (why) found.push({ field: at, message: `Field names ${why}` });
        walk(child, at);
      }
    }
  };
  walk(value, prefix);
  return found;
}

/**
 * Whether JSON text could hold NUL or a lone surrogate once parsed: both can only arrive as `\u`
 * escapes (JSON forbids a raw NUL, and UTF-8 decoding turns stray surrogate bytes into U+FFFD), so
 * a body without `\u0000` or `\uD800`-`\uDFFF` escapes needs no walk. Keeps the 1 MiB workflow cheap.
 */
export function mayHoldUnsafeText(json: string): boolean {
  return /\\u(?:0000|[dD][89a-fA-F])/.test(json);
}

/** Refuses a request whose input holds text no field may hold (400 naming each field). */
export function assertSafeText(value: unknown, prefix = ''): void {
  const fields = findUnsafeText(value, prefix);
  if (fields.length) throw new AppError('INVALID', 'The request has invalid text', fields);
}
