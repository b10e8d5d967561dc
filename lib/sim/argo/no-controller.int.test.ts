// The simulated cluster with its Argo controller off (argoController: false, as for the full-size
// sync bench): Workflows are stored and served, and nothing runs them or writes their status.
import { describe, expect, it } from 'vitest';
import { listPods } from '@/lib/cluster/pods';
import { createWorkflow, getWorkflow } from '@/lib/cluster/workflows';
import { useSimCluster } from '@/tests/sim';

const sim = useSimCluster({ seed: 5, speed: 1000, argoController: false });

describe('simulated cluster without its Argo controller', () => {
  it('stores a Workflow without running it, and serves a status written into its store', async () => {
    await createWorkflow({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'left-alone' },
      spec: {
        entrypoint: 'main',
        templates: [{ name: 'main', container: { image: 'busybox', command: ['sh', '-c', 'echo hi'] } }],
      },
    });
    await new Promise((r) => setTimeout(r, 300)); // several ticks of the simulation loop
    const wf = await getWorkflow('left-alone');
    expect(wf.status ?? {}).toEqual({});
    expect(await listPods('workflows.argoproj.io/workflow=left-alone', { namespace: 'gantry-jobs' })).toEqual([]);

    const store = sim().sim.store;
    const cur = store.get('workflows', 'gantry-jobs', 'left-alone')!;
    store.update('workflows', { ...structuredClone(cur), status: { phase: 'Running' } });
    expect((await getWorkflow('left-alone')).status?.phase).toBe('Running');
  });
});
