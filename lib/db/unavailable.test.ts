import { DrizzleQueryError } from 'drizzle-orm/errors';
import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/server/errors';
import {
  classifyDatabaseError,
  databaseState,
  databaseUnavailableError,
  describeDatabaseError,
  isDatabaseUnavailable,
  noteDatabaseReachable,
  waitForDatabase,
} from './unavailable';

// Shaped as the driver and Node raise them: postgres.js' Errors.connection (src/errors.js) sets
// `code` on a plain Error, PostgresError carries the SQLSTATE in `code`, Node's socket errors too.
const withCode = (code: string, message = code) => Object.assign(new Error(message), { code });
const postgresError = (code: string, message: string) =>
  Object.assign(new Error(message), { name: 'PostgresError', code, severity: 'FATAL' });

describe('classifyDatabaseError', () => {
  it.each([
    ['ECONNREFUSED', 'refused'],
    ['EHOSTUNREACH', 'refused'],
    ['ENOTFOUND', 'refused'],
    ['ECONNRESET', 'lost'],
    ['EPIPE', 'lost'],
    ['CONNECTION_CLOSED', 'lost'],
    ['CONNECTION_ENDED', 'lost'],
    ['CONNECTION_DESTROYED', 'lost'],
    ['CONNECT_TIMEOUT', 'timeout'],
    ['ETIMEDOUT', 'timeout'],
  ])('recognises %s from the socket or the driver as %s', (code, kind) => {
    expect(classifyDatabaseError(withCode(code))).toBe(kind);
  });

  it.each([
    ['57P01', 'terminating connection due to administrator command', 'shutdown'],
    ['57P02', 'terminating connection because of crash of another server process', 'shutdown'],
    ['57P03', 'the database system is shutting down', 'starting'],
    ['57P03', 'the database system is starting up', 'starting'],
    ['53300', 'sorry, too many clients already', 'too_many_connections'],
    ['08006', 'connection failure', 'lost'],
    ['08003', 'connection does not exist', 'lost'],
  ])('recognises SQLSTATE %s (%s) as %s', (code, message, kind) => {
    expect(classifyDatabaseError(postgresError(code, message))).toBe(kind);
  });

  it('looks through Drizzle’s wrapper and Node’s AggregateError', () => {
    const wrapped = new DrizzleQueryError(
      'select 1',
      [],
      withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
    );
    expect(classifyDatabaseError(wrapped)).toBe('refused');
    const aggregate = new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'connect failed');
    expect(classifyDatabaseError(aggregate)).toBe('refused');
    expect(
      classifyDatabaseError(
        new Error('outer', { cause: new Error('middle', { cause: postgresError('57P01', 'bye') }) }),
      ),
    ).toBe('shutdown');
  });

  it('leaves every other error alone', () => {
    expect(classifyDatabaseError(postgresError('23505', 'duplicate key value violates unique constraint'))).toBeNull();
    expect(classifyDatabaseError(postgresError('40001', 'could not serialize access'))).toBeNull();
    expect(classifyDatabaseError(postgresError('28P01', 'password authentication failed'))).toBeNull();
    expect(classifyDatabaseError(new TypeError('x is undefined'))).toBeNull();
    expect(
      classifyDatabaseError(new DrizzleQueryError('insert ...', [], postgresError('23503', 'violates foreign key'))),
    ).toBeNull();
    expect(classifyDatabaseError('ECONNREFUSED')).toBeNull();
    expect(classifyDatabaseError(null)).toBeNull();
    expect(isDatabaseUnavailable(new AppError('CONFLICT', 'taken'))).toBe(false);
  });

  it('stops at cycles', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    a.cause = new Error('b', { cause: a });
    expect(classifyDatabaseError(a)).toBeNull();
  });
});

describe('databaseUnavailableError', () => {
  it('turns an outage into DATABASE_UNAVAILABLE with Retry-After, keeping the original as cause', () => {
    const original = new DrizzleQueryError(
      'select * from users where email = $1',
      ['a@b.c'],
      withCode('CONNECTION_CLOSED'),
    );
    const error = databaseUnavailableError(original);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'DATABASE_UNAVAILABLE', retryAfterSeconds: 5, cause: original });
    expect(error!.message).not.toContain('select');
  });

  it('passes other errors and AppErrors through as null', () => {
    expect(databaseUnavailableError(new Error('boom'))).toBeNull();
    expect(
      databaseUnavailableError(
        new AppError('UNAVAILABLE', 'the cluster is down', [], { cause: withCode('ECONNREFUSED') }),
      ),
    ).toBeNull();
  });

  it('counts outages by kind and marks the database down until it is reachable again', () => {
    noteDatabaseReachable();
    const before = databaseState().errors.shutdown;
    databaseUnavailableError(postgresError('57P01', 'terminating connection due to administrator command'));
    expect(databaseState()).toMatchObject({ up: false, lastErrorKind: 'shutdown' });
    expect(databaseState().errors.shutdown).toBe(before + 1);
    noteDatabaseReachable();
    expect(databaseState().up).toBe(true);
  });
});

describe('waitForDatabase', () => {
  it('probes until the database answers, one series of probes for every waiter', async () => {
    let calls = 0;
    const probe = async () => {
      calls += 1;
      if (calls < 3) throw withCode('ECONNREFUSED');
    };
    const never = new AbortController().signal;
    await Promise.all([
      waitForDatabase(probe, never, 1),
      waitForDatabase(probe, never, 1),
      waitForDatabase(probe, never, 1),
    ]);
    expect(calls).toBe(3);
    expect(databaseState().up).toBe(true);
  });

  it('returns when its caller stops waiting, though the database is still away', async () => {
    let calls = 0;
    const controller = new AbortController();
    const probe = async () => {
      calls += 1;
      if (calls === 2) controller.abort();
      throw withCode('ECONNREFUSED');
    };
    await waitForDatabase(probe, controller.signal, 1);
    expect(calls).toBe(2);
    expect(databaseState()).toMatchObject({ up: false, lastErrorKind: 'refused' });
  });
});

describe('describeDatabaseError', () => {
  it('says what the driver said, without the SQL or parameters Drizzle wraps it in', () => {
    const wrapped = new DrizzleQueryError(
      'select * from users where email = $1',
      ['ada@gantry.local'],
      withCode('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
    );
    expect(describeDatabaseError(wrapped)).toBe('connect ECONNREFUSED 127.0.0.1:5432');
    expect(describeDatabaseError('text')).toBe('text');
  });
});
