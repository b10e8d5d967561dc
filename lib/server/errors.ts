// The closed set of failures a use case may report. lib/http maps them to HTTP in one place.
export const ErrorCode = {
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  CONFLICT: 409,
  QUOTA_EXCEEDED: 422,
  INVALID: 400,
  /** a limit on how much or how often (queued jobs per user, sign-in attempts): Retry-After when known */
  TOO_MANY_REQUESTS: 429,
  UNAVAILABLE: 503,
  /** PostgreSQL refused, lost or shut down the connection (lib/db/unavailable.ts): Retry-After */
  DATABASE_UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ErrorCode;

export interface FieldError {
  field: string;
  message: string;
  /** the workload policy rule the field breaks (lib/domain/policy), for policy refusals */
  rule?: string;
}

export class AppError extends Error {
  /** When trying again may succeed, in seconds (becomes the Retry-After header). */
  readonly retryAfterSeconds?: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: FieldError[] = [],
    options?: { cause?: unknown; retryAfterSeconds?: number },
  ) {
    super(message, options);
    this.name = 'AppError';
    this.retryAfterSeconds = options?.retryAfterSeconds;
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const forbidden = (why = 'You do not have permission to do this') => new AppError('FORBIDDEN', why);
export const conflict = (why: string, fields: FieldError[] = []) => new AppError('CONFLICT', why, fields);
export const invalid = (why: string, fields: FieldError[] = []) => new AppError('INVALID', why, fields);
export const unavailable = (why: string, cause?: unknown) => new AppError('UNAVAILABLE', why, [], { cause });
export const tooManyRequests = (why: string, retryAfterSeconds?: number) =>
  new AppError('TOO_MANY_REQUESTS', why, [], { retryAfterSeconds });
