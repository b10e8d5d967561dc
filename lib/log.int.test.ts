// A failed statement must not put its parameters in the log: drizzle's error message lists them,
// and PostgreSQL's detail repeats the offending value. Errors go through toProblem (the one place
// that logs them for the API) into a logger writing to a stream this test reads.
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { apiTokens, users } from '@/lib/db/schema';
import { toProblem } from '@/lib/http/problem';
import { unavailable } from '@/lib/server/errors';
import { hashPassword } from '@/lib/server/auth/passwords';
import { createToken } from '@/lib/server/tokens/create-token';
import { hashToken } from '@/lib/server/tokens/token-format';
import { testDb } from '@/tests/db';
import { makeUser } from '@/tests/factories';
import { createLogger } from './log';

function capture() {
  const lines: string[] = [];
  const log = createLogger('info', { write: (line: string) => void lines.push(line) });
  return { log, text: () => lines.join('') };
}

async function failure(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error('the statement was expected to fail');
}

describe('logging failed statements', () => {
  it('logs a duplicate token insert with its constraint but none of its parameters, hashes or tokens', async () => {
    const db = testDb().db;
    const system = { id: '', email: 'system', name: 'system', role: 'admin' as const, via: 'system' as const };
    const owner = await makeUser({ db, actor: system, log: createLogger('silent') });
    const { token, prefix } = await createToken({
      ctx: { db, actor: owner, log: createLogger('silent') },
      input: { name: 'leaky' },
    });
    const tokenHash = hashToken(token);
    const name = `dup-${randomUUID()}`;
    const error = await failure(() => db.insert(apiTokens).values({ userId: owner.id, name, prefix, tokenHash }));

    const { log, text } = capture();
    expect(toProblem(error, 'req-1', log)).toMatchObject({ status: 500, detail: 'Internal server error' });
    // A verb wrapping it as an AppError's cause takes the other logging path.
    toProblem(unavailable('Could not store the token', error), 'req-2', log);
    const out = text();
    expect(out).toContain('api_tokens_token_hash');
    expect(out).toContain('23505');
    for (const secret of [tokenHash, token, token.slice(4), name, owner.id]) expect(out).not.toContain(secret);
    expect(out).not.toMatch(/params:/);
  });

  it('logs a duplicate user insert without the password hash or the email', async () => {
    const db = testDb().db;
    const email = `dup-${randomUUID().slice(0, 8)}@test.local`;
    const passwordHash = await hashPassword('a-secret-password');
    await db.insert(users).values({ email, name: 'first', passwordHash });
    const error = await failure(() =>
      db.insert(users).values({ email: email.toUpperCase(), name: 'second', passwordHash }),
    );
    const { log, text } = capture();
    log.error({ err: error }, 'insert failed');
    log.warn({ cause: error, password: 'plain-secret', user: { passwordHash, tokenHash: 'abc' } }, 'fields');
    const out = text();
    expect(out).toContain('users_email_lower_idx');
    for (const secret of [passwordHash, passwordHash.slice(7), email, email.toUpperCase(), 'plain-secret'])
      expect(out).not.toContain(secret);
    expect(out).toContain('[Redacted]');
  });
});
