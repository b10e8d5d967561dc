// WorkflowTemplates through the real client against the simulated API server: a parted sweep's
// template is applied before its Workflow, once per template, and a second submission adopts it.
import { describe, expect, it } from 'vitest';
import { buildWorkflow } from '@/lib/domain/workflow/builders';
import { makeBenchmarkJob } from '@/lib/domain/workflow/test-jobs';
import { useSimCluster } from '@/tests/sim';
import { submitJob } from './job-runner';
import {
  applyWorkflowTemplate,
  deleteWorkflowTemplate,
  getWorkflowTemplate,
  listWorkflowTemplates,
  type WorkflowTemplate,
} from './workflow-templates';
import type { Workflow } from './workflows';

const sim = useSimCluster({ seed: 5, speed: 100 });

function partedSweep(nodeSelector: Record<string, string>) {
  const job = makeBenchmarkJob(1_200);
  if (job.kind !== 'benchmark') throw new Error('unreachable');
  job.placement.nodeSelector = nodeSelector;
  const { workflow, workflowTemplates } = buildWorkflow(job);
  return { workflow: workflow as unknown as Workflow, templates: workflowTemplates as unknown as WorkflowTemplate[] };
}

describe('workflow templates', () => {
  it('are created before the Workflow that needs them, with one request each', async () => {
    const { workflow, templates } = partedSweep({ 'kubernetes.io/hostname': 'a100-mig-0' });
    expect(templates.map((t) => t.metadata.name)).toEqual(['gantry-44-part']);
    sim().sim.resetRequests();
    const order: string[] = [];
    sim().sim.store.onChange((type, resource, obj) => {
      if (type === 'ADDED' && resource.startsWith('workflow')) order.push(`${resource}/${obj.metadata.name}`);
    });
    expect(await submitJob(workflow, templates)).toEqual({ workflowName: 'gantry-44', adopted: false });
    expect(order.slice(0, 2)).toEqual(['workflowtemplates/gantry-44-part', 'workflows/gantry-44']);
    // Then the Workflow becomes the template's owner, so the template goes when the Workflow does.
    expect(sim().sim.requests()).toMatchObject({
      'create workflowtemplates': 1,
      'create workflows': 1,
      'patch workflowtemplates': 1,
    });

    const stored = await getWorkflowTemplate('gantry-44-part');
    expect(stored).toMatchObject({
      kind: 'WorkflowTemplate',
      metadata: { namespace: 'gantry-jobs', labels: { 'gantry.dev/job-id': '44' } },
    });
    expect(stored.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Workflow', name: 'gantry-44' })]);
    expect(stored.spec.entrypoint).toBe('part');
    expect((await listWorkflowTemplates('gantry.dev/job-id=44')).map((t) => t.metadata.name)).toEqual([
      'gantry-44-part',
    ]);
  });

  it('are adopted and rewritten whole on a second submission (409 AlreadyExists)', async () => {
    // The job was preempted and admitted again elsewhere: the new placement must replace the old one.
    const { workflow, templates } = partedSweep({ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' });
    sim().sim.resetRequests();
    expect(await submitJob(workflow, templates)).toEqual({ workflowName: 'gantry-44', adopted: true });
    // One patch rewrites the template (dropping the old owner), one names the Workflow as owner again.
    expect(sim().sim.requests()).toMatchObject({ 'create workflowtemplates': 1, 'patch workflowtemplates': 2 });
    const run = (
      (await getWorkflowTemplate('gantry-44-part')).spec.templates as Array<{
        name: string;
        nodeSelector?: Record<string, string>;
      }>
    ).find((t) => t.name === 'run-configuration')!;
    expect(run.nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-A100-SXM4-80GB' });
  });

  it('are refused when invalid, naming the field, and deleted idempotently', async () => {
    const bad = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'WorkflowTemplate',
      metadata: { name: 'Not_A_Name' },
      spec: { templates: [] },
    };
    await expect(applyWorkflowTemplate(bad)).rejects.toMatchObject({
      kind: 'Invalid',
      message: expect.stringContaining('metadata.name'),
    });
    expect(await deleteWorkflowTemplate('gantry-44-part')).toBe(true);
    expect(await deleteWorkflowTemplate('gantry-44-part')).toBe(false);
    await expect(getWorkflowTemplate('gantry-44-part')).rejects.toMatchObject({ kind: 'NotFound' });
  });
});
