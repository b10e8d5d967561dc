// What a route reads from a request: path parameters, the query string and a JSON body, each with
// the text check every field gets (NUL, lone surrogates), then the route's zod schema if it has one.
import type { NextRequest } from 'next/server';
import { z } from 'zod';
import { AppError } from '@/lib/server/errors';
import { assertSafeText, findUnsafeText, mayHoldUnsafeText, parseInput } from '@/lib/server/validate';

/** The query string as an object; a key given more than once keeps every value, in order. */
export type Query = Record<string, string | string[]>;

/** Schemas a route declares for what it reads; each is parsed after authentication, 400 naming the field. */
export interface RouteSchemas {
  params?: z.ZodType;
  query?: z.ZodType;
  /** Declaring a body is what makes the wrapper read one: a route without it never touches the body. */
  body?: z.ZodType;
}

/** The path parameters a route declares, each one text (`pathParams('slug', 'id')`). */
export function pathParams<K extends string>(...names: K[]): z.ZodObject<Record<K, z.ZodString>> {
  return z.object(Object.fromEntries(names.map((name) => [name, z.string()])) as Record<K, z.ZodString>);
}

/**
 * Query keys a route reads, each at most once: a key given twice answers 400 naming it, rather
 * than one of its values being picked silently.
 */
export function queryParams<K extends string>(...names: K[]): z.ZodObject<Record<K, z.ZodOptional<z.ZodString>>> {
  return z.object(
    Object.fromEntries(names.map((name) => [name, z.string().optional()])) as Record<K, z.ZodOptional<z.ZodString>>,
  );
}

/** A JSON body handed to a verb, which validates it itself: the verb's schema is the contract. */
export const JsonBody = z.unknown();

/**
 * The same, as an object for a route to add its path parameters to: a body that is no object adds
 * no fields (the verb then names the ones missing).
 */
export const JsonFields = z.unknown().transform((value): Record<string, unknown> => ({ ...(value as object) }));

export function queryObject(params: URLSearchParams): Query {
  const query: Query = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length > 1 ? values : values[0];
  }
  return query;
}

/** The query string and path parameters get the same text check as bodies (names as the verbs use them). */
export function assertSafeQuery(query: Query, params: unknown): void {
  const fields = [...findUnsafeText(query), ...(params && typeof params === 'object' ? findUnsafeText(params) : [])];
  if (fields.length) throw new AppError('INVALID', 'The request has invalid text', fields);
}

export async function readBody(req: NextRequest): Promise<unknown> {
  if (req.method === 'GET' || req.method === 'HEAD') return undefined;
  const text = await req.text();
  if (!text.trim()) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new AppError('INVALID', 'The request body is not valid JSON', [
      { field: '(body)', message: 'Expected JSON' },
    ]);
  }
  // Every text field of every route is checked here, once (NUL, lone surrogates: 400 naming it).
  if (mayHoldUnsafeText(text)) assertSafeText(value);
  return value;
}

/** `value` through `schema` when the route declared one; as it came otherwise. */
export function parseDeclared(schema: z.ZodType | undefined, value: unknown): unknown {
  return schema ? parseInput(schema, value) : value;
}
