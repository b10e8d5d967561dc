import { DrizzleQueryError } from 'drizzle-orm/errors';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/server/errors';
import { errorResponse } from './problem';

const log = pino({ level: 'silent' });
const refused = () =>
  new DrizzleQueryError(
    'select "id" from "users" where "email" = $1',
    ['ada@gantry.local'],
    Object.assign(new Error('connect ECONNREFUSED 10.0.0.5:5432'), { code: 'ECONNREFUSED' }),
  );

describe('errorResponse', () => {
  it('answers a database outage 503 with Retry-After, without the query or the host', async () => {
    const response = errorResponse(refused(), 'req-1', log);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const text = await response.text();
    expect(JSON.parse(text)).toMatchObject({
      type: 'https://gantry.dev/problems/database-unavailable',
      title: 'Service Unavailable',
      status: 503,
      code: 'DATABASE_UNAVAILABLE',
      requestId: 'req-1',
    });
    expect(text).not.toMatch(/select|10\.0\.0\.5|ECONNREFUSED/);
  });

  it('answers the server shutting down (57P01) the same way', () => {
    const shutdown = Object.assign(new Error('terminating connection due to administrator command'), {
      name: 'PostgresError',
      code: '57P01',
    });
    expect(errorResponse(shutdown, 'req-2', log).status).toBe(503);
  });

  it('keeps other errors as they were: 500 for unknown ones, their own status for AppErrors', () => {
    const unique = Object.assign(new Error('duplicate key value'), { name: 'PostgresError', code: '23505' });
    const failed = errorResponse(new DrizzleQueryError('insert', [], unique), 'req-3', log);
    expect(failed.status).toBe(500);
    expect(failed.headers.get('retry-after')).toBeNull();
    expect(errorResponse(new AppError('CONFLICT', 'taken'), 'req-4', log).status).toBe(409);
  });
});
