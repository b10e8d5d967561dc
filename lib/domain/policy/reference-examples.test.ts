// Every Argo example through the raw-workflow merge and the policy, as a submission of it would go:
// a plain example passes; the ones below are refused, each by exactly these rules (README.md lists
// them too). WorkflowTemplates are submitted as Workflows of the same spec, a CronWorkflow as its
// workflowSpec; documents of other kinds (a ConfigMap) are not workflows and are left out.
import { expect, it } from 'vitest';
import { describeWithReference } from '@/lib/testing/reference';
import { TEAM_SERVICE_ACCOUNT } from '../tenancy';
import { mergeUserWorkflow } from '../workflow/builders';
import { listReferenceFiles, readReferenceDocuments } from '../workflow/reference-files.test-helpers';
import { makeRawWorkflowJob } from '../workflow/test-jobs';
import type { Workflow } from '../workflow/types';
import { DEFAULT_TEAM_POLICY, type PolicyRule } from './index';
import { checkJobWorkloads, UNPLACED } from './job';

const REFUSED: Record<string, PolicyRule[]> = {
  'artifactory-artifact.yaml': ['gantry.secret'],
  'buildkit-template.yaml': ['gantry.secret'],
  'cluster-workflow-template/cluster-wftmpl-dag.yaml': ['gantry.templateRef'],
  'cluster-workflow-template/clustertemplates.yaml#2': ['gantry.templateRef'],
  'cluster-workflow-template/clustertemplates.yaml#3': ['gantry.templateRef'],
  'cluster-workflow-template/mixed-cluster-namespaced-wftmpl-steps.yaml': ['gantry.templateRef'],
  'cron-backfill.yaml#1': ['gantry.templateRef'],
  'cron-backfill.yaml#2': ['gantry.resourceTemplate', 'gantry.serviceAccount'],
  'cron-backfill.yaml#3': ['gantry.templateRef'],
  'daemoned-stateful-set-with-service.yaml': ['gantry.resourceTemplate'],
  'hello-hybrid.yaml': ['gantry.placement'],
  'http-hello-world.yaml': ['gantry.httpTemplate'],
  'http-success-condition.yaml': ['gantry.httpTemplate'],
  'k8s-orchestration.yaml': ['gantry.resourceTemplate'],
  'k8s-wait-wf.yaml': ['gantry.resourceTemplate'],
  'life-cycle-hooks-tmpl-level.yaml': ['gantry.httpTemplate'],
  'life-cycle-hooks-wf-level.yaml': ['gantry.httpTemplate'],
  'pod-spec-from-previous-step.yaml': ['gantry.podSpecPatch'],
  'resource-claims-template-override.yaml': ['gantry.gpu'],
  'resource-claims.yaml': ['gantry.gpu'],
  'resource-delete-with-flags.yaml': ['gantry.resourceTemplate'],
  'resource-flags.yaml': ['gantry.resourceTemplate'],
  'timeouts-workflow.yaml': ['gantry.placement'],
  'variables-showcase.yaml': ['gantry.serviceAccount'],
  'work-avoidance.yaml': ['gantry.secret'],
  'workflow-of-workflows.yaml': ['gantry.resourceTemplate'],
  'workflow-template/dag.yaml': ['gantry.templateRef'],
  'workflow-template/hello-world.yaml': ['gantry.templateRef'],
  'workflow-template/retry-with-steps.yaml': ['gantry.templateRef'],
  'workflow-template/steps.yaml': ['gantry.templateRef'],
  'workflow-template/templates.yaml#2': ['gantry.templateRef'],
  'workflow-template/templates.yaml#3': ['gantry.templateRef'],
};

interface Example {
  name: string;
  workflow: Workflow;
}

function listExamples(): Example[] {
  const examples: Example[] = [];
  for (const file of listReferenceFiles('argo/examples')) {
    const documents = readReferenceDocuments('argo/examples', file) as Array<{
      kind?: string;
      metadata?: Workflow['metadata'];
      spec?: Record<string, unknown>;
    }>;
    documents.forEach((doc, i) => {
      const spec =
        doc?.kind === 'CronWorkflow'
          ? doc.spec?.workflowSpec
          : doc?.kind?.endsWith('Workflow') || doc?.kind?.endsWith('WorkflowTemplate')
            ? doc.spec
            : undefined;
      if (!spec) return;
      const workflow = {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: doc.metadata ?? {},
        spec,
      } as Workflow;
      examples.push({ name: documents.length > 1 ? `${file}#${i}` : file, workflow });
    });
  }
  return examples;
}

describeWithReference('Argo examples through the raw-workflow merge and the workload policy', () => {
  // One GPU granted, not yet placed: as a submission sees it.
  const job = makeRawWorkflowJob('kind: Workflow', {
    gpu: { kind: 'a100-80gb-shared', count: 1 },
    placement: UNPLACED,
    priority: 'normal',
  });
  if (job.kind !== 'workflow') throw new Error('unreachable');
  const examples = listExamples();

  it('reads every example', () => {
    expect(examples.length).toBeGreaterThan(130);
    for (const name of Object.keys(REFUSED)) expect(examples.map((e) => e.name)).toContain(name);
  });

  it.each(examples.map((e) => [e.name, e] as const))('%s', (name, { workflow }) => {
    const merged = mergeUserWorkflow(job, workflow, { serviceAccountName: TEAM_SERVICE_ACCOUNT });
    const violations = checkJobWorkloads(job, { workflow: merged, workflowTemplates: [] }, DEFAULT_TEAM_POLICY, false);
    expect([...new Set(violations.map((v) => v.rule))].sort()).toEqual(REFUSED[name] ?? []);
  });
});
