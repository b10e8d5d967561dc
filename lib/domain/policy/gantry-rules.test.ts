import { describe, expect, it } from 'vitest';
import { checkWorkloads } from './index';
import { baseWorkflow, check, context, gpu, type Obj } from './policy.test-util';

describe('Gantry rules', () => {
  it('finds Secrets wherever Argo and Kubernetes name them', () => {
    const violations = check((wf) => {
      wf.spec.imagePullSecrets = [{ name: 'registry' }];
      wf.spec.volumes.push(
        { name: 's', secret: { secretName: 'db' } },
        { name: 'p', projected: { sources: [{ secret: { name: 'tls' } }] } },
      );
      gpu(wf).container.envFrom = [{ secretRef: { name: 'all' } }];
      gpu(wf).outputs = {
        artifacts: [{ name: 'o', path: '/o', s3: { key: 'k', accessKeySecret: { name: 'aws', key: 'a' } } }],
      };
    });
    expect(violations.map((v) => v.path)).toEqual([
      'spec.volumes[1].secret.secretName',
      'spec.volumes[2].projected.sources[0].secret.name',
      'spec.templates[1].container.envFrom[0].secretRef.name',
      'spec.templates[1].outputs.artifacts[0].s3.accessKeySecret.name',
      'spec.imagePullSecrets[0].name',
    ]);
    expect(new Set(violations.map((v) => v.rule))).toEqual(new Set(['gantry.secret']));
  });

  it('checks exit handlers, hooks, inline templates and templateDefaults like any template', () => {
    const violations = check((wf) => {
      wf.spec.onExit = 'exit';
      wf.spec.templates.push({ name: 'exit', container: { image: 'x', securityContext: { privileged: true } } });
      wf.spec.hooks = { running: { expression: 'true', templateRef: { name: 'elsewhere', template: 't' } } };
      wf.spec.templates[0].dag.tasks.push({
        name: 'c',
        inline: { container: { image: 'x', securityContext: { privileged: true } } },
      });
      wf.spec.templateDefaults = { serviceAccountName: 'admin', podSpecPatch: '{}' };
    });
    expect(violations.map((v) => [v.rule, v.path])).toEqual(
      expect.arrayContaining([
        ['pss.privileged', 'spec.templates[3].container.securityContext.privileged'],
        ['gantry.templateRef', 'spec.hooks.running.templateRef.name'],
        ['pss.privileged', 'spec.templates[0].dag.tasks[2].inline.container.securityContext.privileged'],
        ['gantry.serviceAccount', 'spec.templateDefaults.serviceAccountName'],
        ['gantry.podSpecPatch', 'spec.templateDefaults.podSpecPatch'],
      ]),
    );
    expect(violations).toHaveLength(5);
  });

  it('counts GPUs per pod and refuses other nvidia.com resources and device claims', () => {
    const sum = check(
      (wf) => (gpu(wf).sidecars = [{ name: 's', image: 'x', resources: { limits: { 'nvidia.com/gpu': '1' } } }]),
    );
    expect(sum.map((v) => [v.rule, v.path])).toEqual([['gantry.gpu', 'spec.templates[1]']]);
    const other = check((wf) => (gpu(wf).container.resources.requests = { 'nvidia.com/mig-1g.10gb': '1' }));
    expect(other.map((v) => v.path)).toEqual([
      'spec.templates[1].container.resources.requests["nvidia.com/mig-1g.10gb"]',
    ]);
    // Before admission the resource name is open; the count is not.
    expect(
      check((wf) => (gpu(wf).container.resources.limits = { 'nvidia.com/mig-1g.10gb': '2' }), { gpu: { count: 2 } }),
    ).toEqual([]);
    expect(check((wf) => (wf.spec.resourceClaims = [{ name: 'gpu' }])).map((v) => v.rule)).toEqual(['gantry.gpu']);
  });

  it('allows only the tolerations, priority class and scheduler Gantry sets', () => {
    const violations = check((wf) => {
      gpu(wf).tolerations.push({ key: 'gpu', operator: 'Equal', value: 'h100', effect: 'NoSchedule' });
      gpu(wf).priorityClassName = 'system-node-critical';
      gpu(wf).schedulerName = 'other';
      wf.spec.affinity = { nodeAffinity: {} };
    });
    expect(violations.map((v) => v.path)).toEqual([
      'spec.affinity',
      'spec.templates[1].tolerations[1]',
      'spec.templates[1].schedulerName',
      'spec.templates[1].priorityClassName',
    ]);
  });

  it('lets a sweep parent create only its part from the part template', () => {
    const manifest = (spec: Obj) =>
      JSON.stringify({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: { name: 'p' }, spec });
    const resource = (m: string) => (wf: Obj) =>
      wf.spec.templates.push({ name: 'run-part', resource: { action: 'create', manifest: m } });
    expect(check(resource(manifest({ workflowTemplateRef: { name: 'gantry-7-part' }, arguments: {} })))).toEqual([]);
    expect(
      check(resource(manifest({ workflowTemplateRef: { name: 'gantry-7-part' }, podSpecPatch: '{}' }))).map(
        (v) => v.rule,
      ),
    ).toEqual(['gantry.resourceTemplate']);
    expect(check(resource(manifest({ workflowTemplateRef: { name: 'other' } }))).map((v) => v.rule)).toEqual([
      'gantry.resourceTemplate',
    ]);
  });

  it('refuses a claim template bound to a chosen PersistentVolume', () => {
    const violations = check(
      (wf) =>
        (wf.spec.volumeClaimTemplates = [{ metadata: { name: 'w' }, spec: { volumeName: 'pv-of-another-team' } }]),
    );
    expect(violations.map((v) => [v.rule, v.path])).toEqual([
      ['gantry.volumeTypes', 'spec.volumeClaimTemplates[0].spec.volumeName'],
    ]);
  });

  it('checks the WorkflowTemplates too, under their own path', () => {
    const template: Obj = { ...baseWorkflow(), kind: 'WorkflowTemplate' };
    template.spec.hostNetwork = true;
    const violations = checkWorkloads({ workflow: baseWorkflow(), workflowTemplates: [template] }, context);
    expect(violations.map((v) => v.path)).toEqual(['workflowTemplates[0].spec.hostNetwork']);
  });
});
