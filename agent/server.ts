// HTTP side of the agent: GET /status (JSON), GET /metrics (Prometheus, via prom-client),
// GET /healthz (200 while the last collection is fresh). A loop collects every interval;
// requests read the latest snapshot and never run nvidia-smi themselves.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import type { AgentConfig } from './config';
import type { Collector } from './collect';
import { evaluateStatus, type AgentStatus } from './status';

function createMetrics() {
  const registry = new Registry();
  const gpuLabels = ['gpu', 'uuid', 'name'] as const;
  const g = (name: string, help: string, labelNames: readonly string[] = gpuLabels) =>
    new Gauge({ name, help, labelNames: [...labelNames], registers: [registry] });
  return {
    registry,
    gpuUtilization: g(
      'gantry_agent_gpu_utilization_ratio',
      'GPU utilization (0-1) from nvidia-smi; absent on MIG-enabled GPUs',
    ),
    gpuMemoryUsed: g('gantry_agent_gpu_memory_used_bytes', 'GPU memory used'),
    gpuMemoryTotal: g('gantry_agent_gpu_memory_total_bytes', 'GPU memory total'),
    gpuMemoryFree: g('gantry_agent_gpu_memory_free_bytes', 'GPU memory free'),
    gpuPower: g('gantry_agent_gpu_power_watts', 'GPU power draw'),
    gpuTemperature: g('gantry_agent_gpu_temperature_celsius', 'GPU temperature'),
    gpuAvailable: g('gantry_agent_gpu_available', '1 when the GPU meets the availability thresholds'),
    cpuUsage: g('gantry_agent_cpu_usage_ratio', 'Node CPU busy share (0-1) over the last interval', []),
    memoryUsage: g('gantry_agent_memory_usage_ratio', 'Node memory in use (0-1), from MemAvailable', []),
    available: g('gantry_agent_available', '1 when at least one GPU on the node is available', []),
    lastCollect: g('gantry_agent_last_collect_timestamp_seconds', 'When the last collection finished', []),
    errors: new Counter({
      name: 'gantry_agent_collect_errors_total',
      help: 'Collections with a failing source',
      labelNames: ['source'],
      registers: [registry],
    }),
  };
}

type Metrics = ReturnType<typeof createMetrics>;

function recordMetrics(m: Metrics, s: AgentStatus, collectedAt: number): void {
  // Reset per collection so a GPU that disappears (or turns MIG on) loses its old series.
  for (const gauge of [
    m.gpuUtilization,
    m.gpuMemoryUsed,
    m.gpuMemoryTotal,
    m.gpuMemoryFree,
    m.gpuPower,
    m.gpuTemperature,
    m.gpuAvailable,
  ])
    gauge.reset();
  const MiB = 2 ** 20;
  for (const gpu of s.gpus) {
    const labels = { gpu: String(gpu.index), uuid: gpu.uuid, name: gpu.name };
    const set = (gauge: Gauge, v: number | null, scale = 1) => v !== null && gauge.set(labels, v * scale);
    set(m.gpuUtilization, gpu.utilizationPercent, 0.01);
    set(m.gpuMemoryUsed, gpu.memoryUsedMiB, MiB);
    set(m.gpuMemoryTotal, gpu.memoryTotalMiB, MiB);
    set(m.gpuMemoryFree, gpu.memoryFreeMiB, MiB);
    set(m.gpuPower, gpu.powerW);
    set(m.gpuTemperature, gpu.temperatureC);
    m.gpuAvailable.set(labels, gpu.available ? 1 : 0);
  }
  m.cpuUsage.reset();
  m.memoryUsage.reset();
  if (s.cpu.usagePercent !== null) m.cpuUsage.set(s.cpu.usagePercent / 100);
  if (s.memory.usagePercent !== null) m.memoryUsage.set(s.memory.usagePercent / 100);
  m.available.set(s.available ? 1 : 0);
  m.lastCollect.set(collectedAt / 1000);
}

export type AgentServer = {
  /** runs one collection and updates /status and /metrics */
  collectNow(): Promise<AgentStatus>;
  /** listens and starts the loop; resolves with the bound URL */
  start(options?: { loop?: boolean }): Promise<string>;
  stop(): Promise<void>;
  latest(): AgentStatus | null;
};

export function createAgentServer(
  config: AgentConfig,
  collector: Collector,
  now: () => number = Date.now,
): AgentServer {
  const metrics = createMetrics();
  let status: AgentStatus | null = null;
  let lastAt = 0;
  let timer: NodeJS.Timeout | undefined;

  async function collectNow(): Promise<AgentStatus> {
    const snapshot = await collector.collect();
    if (snapshot.gpuError) metrics.errors.inc({ source: 'nvidia-smi' });
    if (snapshot.procError) metrics.errors.inc({ source: 'proc' });
    status = evaluateStatus(snapshot, config.thresholds, config.nodeName);
    lastAt = snapshot.collectedAt;
    recordMetrics(metrics, status, snapshot.collectedAt);
    return status;
  }

  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://agent');
    const send = (code: number, type: string, body: string) => {
      res.writeHead(code, { 'content-type': type, 'cache-control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'text/plain', 'method not allowed\n');
    if (url.pathname === '/status') {
      if (!status) return send(503, 'application/json', JSON.stringify({ error: 'no collection yet' }));
      return send(200, 'application/json', JSON.stringify(status));
    }
    if (url.pathname === '/metrics') {
      metrics.registry.metrics().then(
        (text) => send(200, metrics.registry.contentType, text),
        (err: unknown) => send(500, 'text/plain', `metrics failed: ${String(err)}\n`),
      );
      return;
    }
    if (url.pathname === '/healthz') {
      // Fresh = collected within three intervals; a stuck nvidia-smi turns readiness off.
      const fresh = status !== null && now() - lastAt <= 3 * config.intervalMs + config.nvidiaSmiTimeoutMs;
      return send(fresh ? 200 : 503, 'text/plain', fresh ? 'ok\n' : 'stale\n');
    }
    return send(404, 'text/plain', 'not found\n');
  });

  return {
    collectNow,
    latest: () => status,
    async start({ loop = true } = {}) {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(config.port, config.host, () => resolve());
      });
      if (loop) {
        const tick = () => {
          collectNow()
            .catch(() => metrics.errors.inc({ source: 'agent' }))
            .finally(() => {
              timer = setTimeout(tick, config.intervalMs);
            });
        };
        tick();
      }
      const { port } = server.address() as AddressInfo;
      const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
      return `http://${host}:${port}`;
    },
    async stop() {
      clearTimeout(timer);
      timer = undefined;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
