// Ordered shutdown (issue 14, point 2): SIGTERM to the launcher of a whole Gantry under load. The web
// server stops accepting and drains the requests in flight while PostgreSQL still runs, then the
// worker stops, then PostgreSQL, then the simulated cluster.
//
// "In flight" is made certain, not left to timing: probe requests send their headers with
// `Expect: 100-continue` and wait for the server's 100 Continue (it has begun handling them) before
// SIGTERM, and send their bodies only once the server no longer accepts connections.
import net from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFailed } from 'vitest';
import { startStack, type Stack } from '@/bench/stack';
import { freePort } from './global-setup';
import { jobBody, until } from './supervision-helpers';

let stack: Stack;
let token: string;
let port: number;

beforeAll(async () => {
  port = await freePort();
  stack = await startStack(
    { web: port, pg: await freePort(), sim: await freePort() },
    { GANTRY_WORKER_METRICS_PORT: '0' },
  );
  token = await stack.tokenFor('ada@gantry.local');
}, 600_000);

afterAll(async () => {
  await stack?.stop();
}, 120_000);

beforeEach(() => onTestFailed(() => console.error(`launcher log:\n${stack.log().slice(-6000)}`)));

interface Probe {
  sendBody(): void;
  /** The raw response once the server closed the connection, or the socket error. */
  result: Promise<{ raw: string; error?: NodeJS.ErrnoException }>;
}

/** POST /api/jobs over its own connection; resolves once the server answered 100 Continue. */
function openProbe(name: string): Promise<Probe> {
  const body = jobBody(name);
  const socket = net.connect(port, '127.0.0.1');
  let raw = '';
  let error: NodeJS.ErrnoException | undefined;
  socket.on('error', (e) => (error = e));
  const result = new Promise<{ raw: string; error?: NodeJS.ErrnoException }>((resolve) =>
    socket.once('close', () => resolve({ raw, error })),
  );
  return new Promise((resolve, reject) => {
    socket.on('data', (chunk: Buffer) => {
      const before = raw;
      raw += chunk.toString('utf8');
      if (!before.includes('100 Continue') && raw.includes('100 Continue'))
        resolve({ sendBody: () => socket.write(body), result });
    });
    socket.once('close', () => reject(new Error(`probe ${name} closed before 100 Continue: ${raw} ${String(error)}`)));
    socket.write(
      [
        'POST /api/jobs HTTP/1.1',
        `Host: 127.0.0.1:${port}`,
        `Authorization: Bearer ${token}`,
        'Content-Type: application/json',
        `Content-Length: ${Buffer.byteLength(body)}`,
        'Expect: 100-continue',
        '',
        '',
      ].join('\r\n'),
    );
  });
}

/** Whether a new connection to the web port is refused (the server stopped accepting). */
function refused(): Promise<true | null> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(null);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED' ? true : null));
  });
}

/** Clients calling GET /api/me and POST /api/jobs back to back until the server is gone. */
function startLoad(clients: number) {
  const statuses: number[] = [];
  const networkErrors: string[] = [];
  let stopped = false;
  const one = async (i: number) => {
    for (let n = 0; !stopped; n++) {
      const post = n % 2 === 1;
      try {
        const res = await fetch(`${stack.url}${post ? '/api/jobs' : '/api/me'}`, {
          method: post ? 'POST' : 'GET',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: post ? jobBody(`load-${i}-${n}`) : undefined,
        });
        await res.arrayBuffer();
        statuses.push(res.status);
      } catch (error) {
        // After the drain: refused, or a kept-alive connection closed between two requests.
        const cause = (error as { cause?: { code?: string } }).cause;
        networkErrors.push(cause?.code ?? String(error));
        if (cause?.code === 'ECONNREFUSED') return;
      }
    }
  };
  const done = Promise.all(Array.from({ length: clients }, (_, i) => one(i)));
  return { statuses, networkErrors, stop: () => ((stopped = true), done), done };
}

describe('SIGTERM to the launcher', () => {
  it(
    'drains requests in flight with no 5xx and no reset, then stops worker, PostgreSQL and cluster in order',
    { timeout: 240_000 },
    async () => {
      const load = startLoad(6);
      await until('the load to be running', () => (load.statuses.length >= 60 ? true : null));
      const probes = await Promise.all([1, 2, 3].map((i) => openProbe(`in-flight-${i}`)));

      stack.signal('SIGTERM');
      await until('the web server to stop accepting connections', refused, 60_000);
      for (const probe of probes) probe.sendBody();
      const results = await Promise.all(probes.map((p) => p.result));
      await load.stop();
      const exit = await stack.exited;

      for (const { raw, error } of results) {
        expect(error?.code, raw).toBeUndefined();
        const final = raw.slice(raw.lastIndexOf('HTTP/1.1 '));
        expect(final, raw).toMatch(/^HTTP\/1\.1 201 /);
        expect(final.toLowerCase()).toContain('connection: close');
      }
      expect(load.statuses.filter((s) => s >= 500)).toEqual([]);
      expect(load.statuses.filter((s) => s === 200 || s === 201).length).toBeGreaterThanOrEqual(60);

      expect(exit).toEqual({ code: 0, signal: null });
      const stopped = [...stack.log().matchAll(/\] (web|worker|PostgreSQL|simulated cluster): stopped$/gm)].map(
        (m) => m[1],
      );
      expect(stopped).toEqual(['web', 'worker', 'PostgreSQL', 'simulated cluster']);
      expect(stack.log()).not.toMatch(/exited unexpectedly|database system is shutting down/);
    },
  );
});
