// web/drain.ts on a real node:http server over loopback: requests in flight finish (and close their
// connection), new connections are refused, and the deadline cuts off what is still open.
import http from 'node:http';
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { drainable } from './drain';

const servers: http.Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.closeAllConnections();
});

/** A server whose responses wait until release() is called; resolves once a request is in its handler. */
async function holdingServer() {
  const waiting: (() => void)[] = [];
  let arrived: () => void = () => {};
  let arrival = new Promise<void>((r) => (arrived = r));
  const server = http.createServer((req, res) => {
    drainer.track(res);
    waiting.push(() => res.end('done'));
    arrived();
  });
  const drainer = drainable(server);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    drainer,
    nextArrival: () => arrival.then(() => void (arrival = new Promise<void>((r) => (arrived = r)))),
    release: () => waiting.splice(0).forEach((send) => send()),
  };
}

function get(
  port: number,
  agent: http.Agent,
): Promise<{ status: number; connection: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path: '/', agent }, (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode!, connection: res.headers.connection, body }));
      })
      .on('error', reject);
  });
}

function connectError(port: number): Promise<string | null> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(null)));
    s.once('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
  });
}

describe('drainable', () => {
  it('lets a request in flight finish on a kept-alive connection, closing it, and refuses new connections', async () => {
    const srv = await holdingServer();
    const agent = new http.Agent({ keepAlive: true });
    const arrived = srv.nextArrival();
    const response = get(srv.port, agent);
    await arrived;

    const drained = srv.drainer.drain(10_000);
    expect(await connectError(srv.port)).toBe('ECONNREFUSED');
    srv.release();
    expect(await response).toEqual({ status: 200, connection: 'close', body: 'done' });
    expect(await drained).toEqual({ drained: true, inFlightAtStart: 1, cutOff: 0 });
    agent.destroy();
  });

  it('closes idle kept-alive connections at once', async () => {
    const srv = await holdingServer();
    const agent = new http.Agent({ keepAlive: true });
    const arrived = srv.nextArrival();
    const response = get(srv.port, agent);
    await arrived;
    srv.release();
    expect((await response).connection).toBe('keep-alive');
    expect(await srv.drainer.drain(10_000)).toEqual({ drained: true, inFlightAtStart: 0, cutOff: 0 });
    agent.destroy();
  });

  it('closes what is still open at the deadline', async () => {
    const srv = await holdingServer();
    const agent = new http.Agent({ keepAlive: true });
    const arrived = srv.nextArrival();
    const response = get(srv.port, agent).catch((e: NodeJS.ErrnoException) => e.code);
    await arrived;
    expect(await srv.drainer.drain(200)).toEqual({ drained: false, inFlightAtStart: 1, cutOff: 1 });
    expect(await response).toBe('ECONNRESET');
    agent.destroy();
  });
});
