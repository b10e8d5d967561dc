// Pod subresources: `pods/log` (tailLines, sinceSeconds, timestamps, limitBytes, follow) from the
// kubelet, and `pods/proxy` to dcgm-exporter's metrics port, the way Gantry reads telemetry.
import { DCGM_NS, DCGM_PORT } from '../boot';
import type { ApiServerContext } from './context';
import { ApiError, badRequest, notFound } from './errors';
import { send, streamHeaders, type Req, type Res } from './http';
import { resourceDef } from './resources';

type LogLine = { at: number; text: string };

export const PROMETHEUS_TEXT = 'text/plain; version=0.0.4; charset=utf-8';

export function handlePodLog(ctx: ApiServerContext, req: Req, res: Res, ns: string, name: string): void {
  const q = req.url.searchParams;
  const container = q.get('container') ?? undefined;
  const first = ctx.readLog(ns, name, container);
  if (!first.ok) {
    if (first.code === 404 && ctx.store.get('pods', ns, name)) {
      // a pod the simulation does not run (e.g. the dcgm-exporter DaemonSet pods)
      return send(
        res,
        200,
        `level=info msg="Starting dcgm-exporter"\nlevel=info msg="Starting webserver" address=:${DCGM_PORT}\n`,
        'text/plain',
      );
    }
    throw first.code === 404 ? notFound(resourceDef('pods'), name) : badRequest(first.message);
  }
  const stamp = q.get('timestamps') === 'true';
  const format = (l: LogLine) => (stamp ? `${new Date(l.at).toISOString()} ${l.text}\n` : `${l.text}\n`);
  const tail = q.has('tailLines') ? Number(q.get('tailLines')) : undefined;
  const since = q.has('sinceSeconds') ? ctx.now() - Number(q.get('sinceSeconds')) * 1000 : undefined;
  let lines = first.lines.filter((l) => since === undefined || l.at >= since);
  if (tail !== undefined && tail >= 0) lines = lines.slice(Math.max(0, lines.length - tail));
  const limit = q.has('limitBytes') ? Number(q.get('limitBytes')) : undefined;
  const text = lines.map(format).join('');
  if (q.get('follow') !== 'true' || first.done)
    return send(res, 200, limit ? text.slice(0, limit) : text, 'text/plain');
  res.writeHead(200, streamHeaders('text/plain'));
  res.write(text);
  followLog(ctx, res, () => ctx.readLog(ns, name, container), first.lines.length, format);
}

/** Writes the lines that come after `written`, polled once per tick, until the container is done. */
function followLog(
  ctx: ApiServerContext,
  res: Res,
  read: () => ReturnType<ApiServerContext['readLog']>,
  written: number,
  format: (l: LogLine) => string,
): void {
  const poll = () => {
    const cur = read();
    if (!cur.ok) return end();
    if (cur.lines.length > written) res.write(cur.lines.slice(written).map(format).join(''));
    written = cur.lines.length;
    if (cur.done) end();
  };
  const end = () => {
    ctx.followers.delete(poll);
    if (!res.writableEnded) res.end();
  };
  ctx.followers.add(poll);
  res.on('close', end);
}

/** `pods/<name>:<port>/proxy/<path>`: dcgm-exporter's /metrics answers; nothing else listens. */
export function handlePodProxy(
  ctx: ApiServerContext,
  res: Res,
  ns: string | undefined,
  target: string,
  path: string[],
  metrics: (node: string) => string,
): void {
  const podName = target.split(':')[0];
  const pod = ctx.store.get('pods', ns, podName);
  if (!pod) throw notFound(resourceDef('pods'), podName);
  const nodeName = (pod.spec as { nodeName?: string }).nodeName;
  if (ns === DCGM_NS && nodeName && path.join('/') === 'metrics')
    return send(res, 200, metrics(nodeName), PROMETHEUS_TEXT);
  throw new ApiError(
    503,
    'ServiceUnavailable',
    `error trying to reach service: dial tcp ${podName}: connect: connection refused`,
  );
}
