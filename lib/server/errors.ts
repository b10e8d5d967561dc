// The closed set of failures a use case may report. lib/http maps them to HTTP in one place.
export const ErrorCode = {
  NOT_FOUND: 404,
  FORBIDDEN: 403,
  UNAUTHENTICATED: 401,
  CONFLICT: 409,
  QUOTA_EXCEEDED: 422,
  INVALID: 400,
  UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ErrorCode;

export interface FieldError {
  field: string;
  message: string;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly fields: FieldError[] = [],
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

export const notFound = (what: string) => new AppError('NOT_FOUND', `${what} not found`);
export const forbidden = (why = 'You do not have permission to do this') => new AppError('FORBIDDEN', why);
export const conflict = (why: string, fields: FieldError[] = []) => new AppError('CONFLICT', why, fields);
export const invalid = (why: string, fields: FieldError[] = []) => new AppError('INVALID', why, fields);
export const unavailable = (why: string, cause?: unknown) => new AppError('UNAVAILABLE', why, [], { cause });
