// The DaemonSet must land on every GPU pool (tainted ones included) and read the host's /proc.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_PORT, parseAgentArgs } from './config';

const ds = parse(fs.readFileSync(path.join(import.meta.dirname, '..', 'k8s', 'agent', 'daemonset.yaml'), 'utf8'));
const pod = ds.spec.template.spec;
const container = pod.containers[0];

describe('k8s/agent/daemonset.yaml', () => {
  it('tolerates the GPU pool taints (gpu=true|mig|h100:NoSchedule) and selects GPU nodes', () => {
    const tolerates = (key: string, value: string, effect: string) =>
      pod.tolerations.some(
        (t: { key: string; operator: string; value?: string; effect?: string }) =>
          t.key === key && (t.operator === 'Exists' || t.value === value) && (!t.effect || t.effect === effect),
      );
    for (const value of ['true', 'mig', 'h100']) expect(tolerates('gpu', value, 'NoSchedule'), value).toBe(true);
    expect(pod.nodeSelector).toEqual({ 'nvidia.com/gpu.present': 'true' });
  });

  it('passes flags the agent accepts, mounts host /proc read-only where --proc points, probes /healthz', () => {
    const args = container.args.map((a: string) => a.replace('$(NODE_NAME)', 'node-a'));
    const config = parseAgentArgs(args);
    expect(config).toMatchObject({ port: DEFAULT_PORT, procDir: '/host/proc', nodeName: 'node-a', intervalMs: 5000 });
    expect(container.volumeMounts).toContainEqual({ name: 'host-proc', mountPath: '/host/proc', readOnly: true });
    expect(pod.volumes.find((v: { name: string }) => v.name === 'host-proc').hostPath.path).toBe('/proc');
    expect(container.readinessProbe.httpGet.path).toBe('/healthz');
    expect(container.ports[0].containerPort).toBe(DEFAULT_PORT);
    expect(container.resources.limits.memory).toBeDefined();
    // Requesting nvidia.com/gpu would take a GPU away from jobs.
    expect(JSON.stringify(container.resources)).not.toContain('nvidia.com/gpu');
  });
});
