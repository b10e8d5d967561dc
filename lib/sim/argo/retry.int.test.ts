// `argo retry` on the simulated controller, through the real client (lib/cluster's retryJobWorkflow
// with lib/domain's plan): a step that fails its first attempts passes when run again, and a
// `resource` step run again meets the child it created as `kubectl create` would (AlreadyExists)
// unless that child was deleted first.
import { describe, expect, it } from 'vitest';
import { retryJobWorkflow } from '@/lib/cluster/job-runner';
import { deletePod, workflowPodNames } from '@/lib/cluster/pods';
import { createWorkflow, findWorkflow, getWorkflow, type Workflow } from '@/lib/cluster/workflows';
import { formulateRetry, listWorkflowsToRecreate } from '@/lib/domain/workflow/retry';
import { useSimCluster } from '@/tests/sim';

useSimCluster({ seed: 11, speed: 1000 });

async function untilFinished(name: string): Promise<Workflow> {
  let wf = await getWorkflow(name);
  for (let i = 0; i < 400 && !['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase ?? ''); i++) {
    await new Promise((r) => setTimeout(r, 25));
    wf = await getWorkflow(name);
  }
  return wf;
}

const retry = (name: string, recreate: boolean) =>
  retryJobWorkflow(name, (current) => {
    const plan = formulateRetry(current, new Date().toISOString());
    return { ...plan, workflowsToRecreate: recreate ? listWorkflowsToRecreate(current, plan.removedNodeIds) : [] };
  });

describe('argo retry on the simulated controller', () => {
  it('counts a step run again after a retry as a later attempt (GANTRY_SIM_FAIL_ATTEMPTS)', async () => {
    await createWorkflow({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'flaky' },
      spec: {
        entrypoint: 'main',
        templates: [
          {
            name: 'main',
            container: {
              image: 'busybox',
              command: ['sh', '-c', 'echo hi'],
              env: [{ name: 'GANTRY_SIM_FAIL_ATTEMPTS', value: '1' }],
            },
          },
        ],
      },
    });
    const failed = await untilFinished('flaky');
    expect(failed.status?.phase).toBe('Failed');
    expect(Object.values(failed.status?.nodes ?? {})[0]).toMatchObject({
      phase: 'Failed',
      message: 'Error (exit code 1)',
    });
    await retry('flaky', false);
    expect((await untilFinished('flaky')).status?.phase).toBe('Succeeded');
  });

  it('fails a re-run create step on the child it made before (AlreadyExists), and re-creates a child deleted first', async () => {
    // The child runs 2,000 simulated seconds (2 s here): long enough to lose the parent's step meanwhile.
    const child = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'child-{{inputs.parameters.n}}' },
      spec: {
        entrypoint: 'main',
        templates: [{ name: 'main', container: { image: 'busybox', command: ['sh', '-c', 'sleep 2000'] } }],
      },
    };
    await createWorkflow({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Workflow',
      metadata: { name: 'parent' },
      spec: {
        entrypoint: 'main',
        templates: [
          {
            name: 'main',
            steps: [[{ name: 'make', template: 'make', arguments: { parameters: [{ name: 'n', value: '1' }] } }]],
          },
          {
            name: 'make',
            inputs: { parameters: [{ name: 'n' }] },
            resource: {
              action: 'create',
              setOwnerReference: true,
              manifest: JSON.stringify(child),
              successCondition: 'status.phase == Succeeded',
              failureCondition: 'status.phase in (Failed, Error)',
            },
          },
        ],
      },
    });
    // The step's pod is lost while its child runs on: the parent fails, the child then succeeds.
    let pods = await workflowPodNames('parent');
    for (let i = 0; i < 200 && (pods.size === 0 || !(await findWorkflow('child-1'))); i++) {
      await new Promise((r) => setTimeout(r, 25));
      pods = await workflowPodNames('parent');
    }
    for (const pod of pods) await deletePod(pod);
    expect((await untilFinished('parent')).status?.phase).toBe('Failed');
    const first = await untilFinished('child-1');
    expect(first.status?.phase).toBe('Succeeded');

    // Run again, the step does not wait on that (succeeded) child: its create is refused.
    await retry('parent', false);
    expect((await untilFinished('parent')).status?.phase).toBe('Failed');
    expect((await getWorkflow('child-1')).metadata.uid).toBe(first.metadata.uid);

    // With the child deleted first, the step creates it afresh and succeeds with it.
    await retry('parent', true);
    for (let i = 0; i < 200 && !(await findWorkflow('child-1')); i++) await new Promise((r) => setTimeout(r, 25));
    const second = await untilFinished('child-1');
    expect(second.metadata.uid).not.toBe(first.metadata.uid);
    expect(second.metadata.ownerReferences?.[0]).toMatchObject({ name: 'parent' });
    expect((await untilFinished('parent')).status?.phase).toBe('Succeeded');
  });
});
