// The agent's settings, from command-line flags only: in the DaemonSet, Kubernetes expands
// `$(NODE_NAME)` inside args, so nothing here needs process.env.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';

/** 9400 is dcgm-exporter's port on the same nodes; the agent takes the one beside it. */
export const DEFAULT_PORT = 9402;

export const Thresholds = z.object({
  /** a GPU is available only with more free memory than this (MiB; 2 GiB by default) */
  minFreeGpuMemoryMiB: z.number().nonnegative().default(2048),
  maxGpuUtilizationPercent: z.number().min(0).max(100).default(80),
  maxCpuPercent: z.number().min(0).max(100).default(90),
  maxMemoryPercent: z.number().min(0).max(100).default(85),
});
export type Thresholds = z.infer<typeof Thresholds>;

export const AgentConfig = z.object({
  host: z.string().default('0.0.0.0'),
  port: z.number().int().min(0).max(65535).default(DEFAULT_PORT),
  intervalMs: z.number().int().min(100).default(5000),
  nvidiaSmi: z.string().min(1).default('nvidia-smi'),
  nvidiaSmiTimeoutMs: z.number().int().positive().default(10_000),
  procDir: z.string().min(1).default('/proc'),
  nodeName: z.string().min(1).default(os.hostname()),
  once: z.boolean().default(false),
  thresholds: Thresholds.default(Thresholds.parse({})),
});
export type AgentConfig = z.infer<typeof AgentConfig>;

export const USAGE = `gantry-agent [options]
  --host <addr>                 listen address (default 0.0.0.0)
  --port <n>                    listen port (default ${DEFAULT_PORT}; 0 = any free port)
  --interval <seconds>          collection interval (default 5)
  --nvidia-smi <path>           nvidia-smi binary (default nvidia-smi on PATH)
  --nvidia-smi-timeout <secs>   kill nvidia-smi after this long (default 10)
  --proc <dir>                  procfs root, e.g. /host/proc in a container (default /proc)
  --node-name <name>            reported node name (default the hostname)
  --min-free-gpu-mem <MiB>      availability: free GPU memory above this (default 2048)
  --max-gpu-util <percent>      availability: GPU utilization below this (default 80)
  --max-cpu <percent>           availability: CPU usage below this (default 90)
  --max-mem <percent>           availability: memory usage below this (default 85)
  --once                        collect once, print the /status JSON, exit
  --help`;

export class ConfigError extends Error {}

/** argv (without node and script) -> validated config; throws ConfigError naming the bad flag. */
export function parseAgentArgs(argv: readonly string[]): AgentConfig | 'help' {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      interval: { type: 'string' },
      'nvidia-smi': { type: 'string' },
      'nvidia-smi-timeout': { type: 'string' },
      proc: { type: 'string' },
      'node-name': { type: 'string' },
      'min-free-gpu-mem': { type: 'string' },
      'max-gpu-util': { type: 'string' },
      'max-cpu': { type: 'string' },
      'max-mem': { type: 'string' },
      once: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) return 'help';
  const num = (flag: string, v: string | undefined, scale = 1) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n))
      throw new ConfigError(`--${flag}: expected a number, got ${JSON.stringify(v)}`);
    return n * scale;
  };
  const result = AgentConfig.safeParse({
    host: values.host,
    port: num('port', values.port),
    intervalMs: num('interval', values.interval, 1000),
    nvidiaSmi: values['nvidia-smi'],
    nvidiaSmiTimeoutMs: num('nvidia-smi-timeout', values['nvidia-smi-timeout'], 1000),
    procDir: values.proc,
    nodeName: values['node-name'],
    once: values.once,
    thresholds: {
      minFreeGpuMemoryMiB: num('min-free-gpu-mem', values['min-free-gpu-mem']),
      maxGpuUtilizationPercent: num('max-gpu-util', values['max-gpu-util']),
      maxCpuPercent: num('max-cpu', values['max-cpu']),
      maxMemoryPercent: num('max-mem', values['max-mem']),
    },
  });
  if (!result.success) {
    throw new ConfigError(result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n'));
  }
  return result.data;
}
