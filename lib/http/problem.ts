// RFC 9457 problem documents: the one place where errors become HTTP responses.
import { NextResponse } from 'next/server';
import { databaseUnavailableError, describeDatabaseError } from '@/lib/db/unavailable';
import { AppError, ErrorCode, type FieldError } from '@/lib/server/errors';
import type { Logger } from '@/lib/log';
import { apiHeaderRecord } from './security-headers';

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  requestId?: string;
  code?: string;
  errors?: FieldError[];
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

export function problemResponse(problem: Problem, headers: Record<string, string> = {}): NextResponse {
  return NextResponse.json(problem, {
    status: problem.status,
    headers: { ...apiHeaderRecord(), 'content-type': 'application/problem+json', ...headers },
  });
}

/** The problem response for a thrown error, with Retry-After when the error says when to come back. */
export function errorResponse(
  thrown: unknown,
  requestId: string,
  log: Logger,
  headers: Record<string, string> = {},
): NextResponse {
  const error = databaseUnavailableError(thrown) ?? thrown;
  const problem = toProblem(error, requestId, log);
  const retryAfter = error instanceof AppError ? error.retryAfterSeconds : undefined;
  return problemResponse(
    problem,
    retryAfter === undefined ? headers : { ...headers, 'retry-after': String(Math.max(1, Math.ceil(retryAfter))) },
  );
}

export function toProblem(thrown: unknown, requestId: string, log: Logger): Problem {
  // A lost or refused database connection is an outage to wait out (503), not a bug (500).
  const error = databaseUnavailableError(thrown) ?? thrown;
  if (error instanceof AppError) {
    const status = ErrorCode[error.code];
    // The driver's message is enough for an outage (one per request); its stack and SQL are noise.
    if (error.code === 'DATABASE_UNAVAILABLE')
      log.warn({ cause: describeDatabaseError(error.cause), requestId }, error.message);
    else if (status >= 500) log.warn({ err: error, cause: error.cause, requestId }, error.message);
    return {
      type: `https://gantry.dev/problems/${error.code.toLowerCase().replace(/_/g, '-')}`,
      title: TITLES[status] ?? 'Error',
      status,
      detail: error.message,
      code: error.code,
      requestId,
      ...(error.fields.length ? { errors: error.fields } : {}),
    };
  }
  // Unknown errors never reach the browser verbatim (they may hold SQL or hostnames).
  log.error({ err: error, requestId }, 'unhandled error');
  return { type: 'about:blank', title: TITLES[500], status: 500, detail: 'Internal server error', requestId };
}
