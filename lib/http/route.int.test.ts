// The API's HTTP contract, exercised through real route handlers and a real database.
import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { GET as getMe } from '@/app/api/me/route';
import { GET as listUsersRoute } from '@/app/api/admin/users/route';
import { POST as postToken } from '@/app/api/tokens/route';
import { logger } from '@/lib/log';
import { createToken } from '@/lib/server/tokens/create-token';
import { testDb } from '@/tests/db';
import { makeUser } from '@/tests/factories';

const noParams = { params: Promise.resolve({}) as Promise<Record<string, never>> };

function req(path: string, init: { method?: string; token?: string; body?: string } = {}) {
  return new NextRequest(`http://127.0.0.1:3000${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), 'content-type': 'application/json' },
    body: init.body,
  });
}

async function tokenFor(role: 'admin' | 'researcher' | 'viewer') {
  const ctx = { db: testDb().db, actor: { id: '', email: '', name: '', role, via: 'system' as const }, log: logger() };
  const user = await makeUser(ctx, { role });
  const { token } = await createToken({ ctx: { ...ctx, actor: user }, input: { name: 'test' } });
  return { user, token };
}

describe('API authentication and errors', () => {
  it('answers 401 problem JSON, never a redirect, without credentials', async () => {
    const res = await getMe(req('/api/me'), noParams);
    expect(res.status).toBe(401);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.headers.get('www-authenticate')).toContain('Bearer');
    expect(await res.json()).toMatchObject({ status: 401, title: 'Unauthorized', requestId: expect.any(String) });
  });

  it('answers 401 for an unknown token', async () => {
    const res = await getMe(req('/api/me', { token: 'gty_not-a-real-token' }), noParams);
    expect(res.status).toBe(401);
  });

  it('accepts a valid Bearer token and echoes the request id', async () => {
    const { user, token } = await tokenFor('researcher');
    const request = req('/api/me', { token });
    request.headers.set('x-request-id', 'req-123');
    const res = await getMe(request, noParams);
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-123');
    expect(await res.json()).toMatchObject({ id: user.id, role: 'researcher' });
  });

  it('answers 403 when the role is too low', async () => {
    const { token } = await tokenFor('viewer');
    const res = await listUsersRoute(req('/api/admin/users', { token }), noParams);
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'FORBIDDEN', detail: expect.stringContaining('admin') });
  });

  it('answers 400 naming the field for bad input and for broken JSON', async () => {
    const { token } = await tokenFor('researcher');
    const bad = await postToken(
      req('/api/tokens', { method: 'POST', token, body: JSON.stringify({ name: 42 }) }),
      noParams,
    );
    expect(bad.status).toBe(400);
    expect((await bad.json()).errors).toEqual([{ field: 'name', message: expect.any(String) }]);
    const broken = await postToken(req('/api/tokens', { method: 'POST', token, body: '{"name":' }), noParams);
    expect(broken.status).toBe(400);
    expect((await broken.json()).errors).toEqual([{ field: '(body)', message: 'Expected JSON' }]);
  });

  it('creates a token with POST /api/tokens and answers it once as { token }', async () => {
    const { token } = await tokenFor('viewer');
    const res = await postToken(
      req('/api/tokens', { method: 'POST', token, body: JSON.stringify({ name: 'script' }) }),
      noParams,
    );
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.token).toMatch(/^gty_/);
    const me = await getMe(req('/api/me', { token: body.token }), noParams);
    expect(me.status).toBe(200);
  });
});
