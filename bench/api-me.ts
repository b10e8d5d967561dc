// GET /api/me under load with a session cookie: the cost of the per-request session check (the
// user row read that also compares the JWT's session version). Starts a whole Gantry (`npm start`
// path) on spare ports, signs a demo researcher in through next-auth's credentials endpoint, then 16
// clients ask GET /api/me back to back for a fixed time, three rounds; the median round is the figure.
// On a shared machine the rate swings with other load, so the CPU milliseconds each request cost in
// every Gantry process (web, PostgreSQL) are measured too: they move far less.
import http from 'node:http';
import { perOperation, sampleTree } from './proc';
import { startStack } from './stack';

const CLIENTS = 16;
const SECONDS = 8;
const ROUNDS = 3;

const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(
  url: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { agent, method: opts.method ?? 'GET', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.once('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
      res.once('error', reject);
    });
    req.once('error', reject);
    req.end(opts.body);
  });
}

function cookiesOf(answer: Answer): string[] {
  return (answer.headers['set-cookie'] ?? []).map((c) => c.split(';')[0]);
}

/** Signs in through next-auth's credentials callback, the way the sign-in page does; the session cookie. */
async function signInCookie(url: string, email: string, password: string): Promise<string> {
  const csrf = await request(`${url}/api/auth/csrf`);
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const body = new URLSearchParams({ csrfToken, email, password, json: 'true', callbackUrl: url }).toString();
  const answer = await request(`${url}/api/auth/callback/credentials`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookiesOf(csrf).join('; '), origin: url },
    body,
  });
  const session = cookiesOf(answer).find((c) => /session-token=/.test(c));
  if (!session) throw new Error(`sign-in as ${email} failed: ${answer.status} ${answer.body.slice(0, 200)}`);
  return session;
}

async function flatOut(
  send: () => Promise<number>,
  seconds: number,
): Promise<{ ok: number; failed: number; perSecond: number }> {
  let ok = 0;
  let failed = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      while (performance.now() < end) {
        if ((await send()) === 200) ok++;
        else failed++;
      }
    }),
  );
  return { ok, failed, perSecond: Math.round(ok / ((performance.now() - start) / 1000)) };
}

export async function benchApiMe() {
  const stack = await startStack({ web: 3197, pg: 54397, sim: 6597 });
  try {
    const cookie = await signInCookie(stack.url, 'ada@gantry.local', 'gantry-demo');
    const token = await stack.tokenFor('ada@gantry.local');
    const withCookie = () => request(`${stack.url}/api/me`, { headers: { cookie } }).then((a) => a.status);
    const withToken = () =>
      request(`${stack.url}/api/me`, { headers: { authorization: `Bearer ${token}` } }).then((a) => a.status);
    await flatOut(withCookie, 4); // warm-up: compiled routes, JIT, pool connections
    await flatOut(withToken, 2);
    const rows: Record<string, { ok: number; failed: number; perSecond: number }> = {};
    const cpu: Record<string, Record<string, number>> = {};
    for (let round = 1; round <= ROUNDS; round++) {
      for (const [name, send] of [
        ['cookie', withCookie],
        ['Bearer token', withToken],
      ] as const) {
        const before = sampleTree(stack.pid);
        const result = await flatOut(send, SECONDS);
        const after = sampleTree(stack.pid);
        rows[`${name}, round ${round}`] = result;
        if (before && after && result.ok) cpu[`${name}, round ${round}`] = perOperation(before, after, result.ok);
      }
    }
    console.table(rows);
    console.log('CPU milliseconds per request, by process:');
    console.table(cpu);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const pick = (prefix: string) =>
      median(
        Object.entries(rows)
          .filter(([k]) => k.startsWith(prefix))
          .map(([, v]) => v.perSecond),
      );
    console.log(
      `GET /api/me, ${CLIENTS} clients, median of ${ROUNDS} rounds: cookie ${pick('cookie')}/s, Bearer token ${pick('Bearer')}/s`,
    );
  } finally {
    agent.destroy();
    await stack.stop();
  }
}
