// The simulated controller's pod GC, through the real client: podGC.strategy decides which pods go,
// podGC.deleteDelayDuration how long after their step they stay (wall-clock, like Argo's GC queue).
import { describe, expect, it } from 'vitest';
import { findStepLog } from '@/lib/cluster/pods';
import { createWorkflow, getWorkflow, type Workflow } from '@/lib/cluster/workflows';
import { useSimCluster } from '@/tests/sim';

useSimCluster({ seed: 9, speed: 1000 });

const workflow = (name: string, podGC: Record<string, string>): Workflow => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Workflow',
  metadata: { name },
  spec: {
    entrypoint: 'main',
    podGC,
    templates: [
      { name: 'main', container: { image: 'busybox', command: ['sh', '-c', 'echo hello; sleep 100; echo bye'] } },
    ],
  },
});

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, tries = 200): Promise<T> {
  let v = await read();
  for (let i = 0; i < tries && !ok(v); i++) {
    await new Promise((r) => setTimeout(r, 25));
    v = await read();
  }
  return v;
}

describe('simulated pod GC', () => {
  it('keeps a succeeded pod for deleteDelayDuration, then deletes it', async () => {
    await createWorkflow(workflow('gc-delay', { strategy: 'OnPodSuccess', deleteDelayDuration: '1s' }));
    expect(
      (
        await until(
          () => getWorkflow('gc-delay'),
          (w) => w.status?.phase === 'Succeeded',
        )
      ).status?.phase,
    ).toBe('Succeeded');
    expect(await findStepLog('gc-delay')).toContain('bye');
    const gone = await until(
      () => findStepLog('gc-delay'),
      (t) => t === null,
      120,
    );
    expect(gone).toBeNull();
  });

  it('deletes a succeeded pod at once without a delay, and keeps failed pods under OnPodSuccess', async () => {
    await createWorkflow(workflow('gc-now', { strategy: 'OnPodSuccess' }));
    await until(
      () => getWorkflow('gc-now'),
      (w) => w.status?.phase === 'Succeeded',
    );
    expect(await findStepLog('gc-now')).toBeNull();
    const failing = workflow('gc-failed', { strategy: 'OnPodSuccess', deleteDelayDuration: '0s' });
    (failing.spec.templates as Array<{ container: { command: string[] } }>)[0].container.command = [
      'sh',
      '-c',
      'echo oops; exit 3',
    ];
    await createWorkflow(failing);
    await until(
      () => getWorkflow('gc-failed'),
      (w) => w.status?.phase === 'Failed',
    );
    expect(await findStepLog('gc-failed')).toContain('oops');
  });
});
