import type { z } from 'zod';
import { AppError, type FieldError } from './errors';

/** Turns zod issues into field errors whose names match the request body (`gpu.count`, `args[1]`). */
export function toFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: formatPath(issue.path) || '(body)',
    message: issue.message,
  }));
}

export function formatPath(path: PropertyKey[]): string {
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
