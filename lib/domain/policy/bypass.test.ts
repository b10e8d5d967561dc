// Ways around the workload policy tried as an attacker would (issue 13): each was let through once
// and is refused now. The placeholder cases are why the policy refuses keys, not values: Argo fills
// in {{...}} after every check, and a map key can become any resource or label name.
import { describe, expect, it } from 'vitest';
import { TEAM_SERVICE_ACCOUNT } from '../tenancy';
import { buildWorkflow } from '../workflow/builders';
import { makeRawWorkflowJob, makeTrainingJob } from '../workflow/test-jobs';
import { checkWorkloads, DEFAULT_TEAM_POLICY, type PolicyContext } from './index';
import { checkJobWorkloads, UNPLACED } from './job';
import type { Obj } from './policy.test-util';

const context: PolicyContext = {
  level: 'baseline',
  serviceAccountName: TEAM_SERVICE_ACCOUNT,
  allowedSecrets: ['team-s3'],
  gantrySecrets: [],
  gpu: { count: 1 },
  placement: { nodeSelector: {}, tolerations: [], priorityClassName: 'gantry-normal' },
  templateRefs: [],
  jobLabels: { 'gantry.dev/job-id': '7', 'gantry.dev/team': 'vision' },
  exceptions: [],
};

/** One pod template holding the one GPU granted. */
function workflow(): Obj {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'gantry-7', labels: { 'gantry.dev/job-id': '7' } },
    spec: {
      entrypoint: 'main',
      arguments: { parameters: [{ name: 'r', value: 'nvidia.com/gpu' }] },
      templates: [
        {
          name: 'main',
          inputs: { parameters: [{ name: 'n', value: '8' }] },
          container: { image: 'pytorch', resources: { limits: { 'nvidia.com/gpu': '1' } } },
        },
      ],
    },
  };
}

const main = (wf: Obj) => wf.spec.templates[0];

function check(mutate: (wf: Obj) => void, ctx: Partial<PolicyContext> = {}) {
  const wf = workflow();
  mutate(wf);
  return checkWorkloads({ workflow: wf }, { ...context, ...ctx }).map((v) => [v.rule, v.path]);
}

describe('Argo placeholders', () => {
  it('refuses them in keys, which Argo fills in after the check', () => {
    expect(check((wf) => (main(wf).container.resources = { requests: { '{{workflow.parameters.r}}': '8' } }))).toEqual([
      ['gantry.placeholderKey', 'spec.templates[0].container.resources.requests["{{workflow.parameters.r}}"]'],
    ]);
    expect(
      check(
        (wf) =>
          (main(wf).metadata = {
            labels: { '{{inputs.parameters.k}}': '99' },
            annotations: { 'x{{inputs.parameters.k}}': '' },
          }),
      ),
    ).toEqual([
      ['gantry.placeholderKey', 'spec.templates[0].metadata.labels["{{inputs.parameters.k}}"]'],
      ['gantry.placeholderKey', 'spec.templates[0].metadata.annotations["x{{inputs.parameters.k}}"]'],
    ]);
    expect(
      check(
        (wf) => (wf.spec.workflowMetadata = { labelsFrom: { '{{workflow.parameters.k}}': { expression: '1' } } }),
      ).map(([rule]) => rule),
    ).toEqual(['gantry.placeholderKey']);
  });

  it('refuses them in values through each field’s own rule, as no placeholder is an allowed value', () => {
    const violations = check((wf) => {
      const t = main(wf);
      t.serviceAccountName = '{{workflow.parameters.sa}}';
      t.priorityClassName = '{{inputs.parameters.p}}';
      t.nodeSelector = { 'kubernetes.io/hostname': '{{inputs.parameters.node}}' };
      t.container.env = [{ name: 'T', valueFrom: { secretKeyRef: { name: '{{inputs.parameters.s}}', key: 'token' } } }];
      t.container.resources.limits['nvidia.com/gpu'] = '{{inputs.parameters.n}}';
      t.container.securityContext = {
        capabilities: { add: ['{{inputs.parameters.cap}}'] },
        seccompProfile: { type: '{{inputs.parameters.t}}' },
      };
    });
    expect(violations.map(([rule]) => rule).sort()).toEqual([
      'gantry.gpu',
      'gantry.placement',
      'gantry.placement',
      'gantry.secret',
      'gantry.serviceAccount',
      'pss.capabilities',
      'pss.seccomp',
    ]);
  });
});

describe('GPUs a pod gets past its own containers', () => {
  it('counts native sidecars (init containers that keep running)', () => {
    const sidecar = (restartPolicy?: string) => (wf: Obj) =>
      (main(wf).initContainers = [
        {
          name: 'i',
          image: 'x',
          ...(restartPolicy ? { restartPolicy } : {}),
          resources: { limits: { 'nvidia.com/gpu': '1' } },
        },
      ]);
    expect(check(sidecar('Always'))).toEqual([['gantry.gpu', 'spec.templates[0]']]);
    expect(check(sidecar())).toEqual([]);
  });

  it('counts what templateDefaults merge into each template', () => {
    const gpuSidecar = { name: 's', image: 'x', resources: { limits: { 'nvidia.com/gpu': '1' } } };
    expect(check((wf) => (wf.spec.templateDefaults = { sidecars: [gpuSidecar] }))).toEqual([
      ['gantry.gpu', 'spec.templates[0]'],
    ]);
    // A template's own list replaces the defaults' one.
    expect(
      check((wf) => {
        wf.spec.templateDefaults = { sidecars: [gpuSidecar] };
        main(wf).sidecars = [{ name: 'own', image: 'x' }];
      }),
    ).toEqual([]);
    // Maps merge key by key: another GPU resource adds up, the same one is replaced.
    const defaultLimits = (limits: Obj) => (wf: Obj) =>
      (wf.spec.templateDefaults = { container: { image: 'x', resources: { limits } } });
    expect(check(defaultLimits({ 'nvidia.com/mig-1g.10gb': '1' }))).toEqual([['gantry.gpu', 'spec.templates[0]']]);
    expect(check(defaultLimits({ 'nvidia.com/gpu': '1' }))).toEqual([]);
  });

  it('caps a raw workflow’s parallelism by the GPUs its sidecars hold too', () => {
    const yaml = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: {generateName: x-}
spec:
  entrypoint: main
  templates:
  - name: main
    steps: [[{name: a, template: gpu, withItems: [1, 2, 3, 4]}]]
  - name: gpu
    container: {image: pytorch, resources: {limits: {nvidia.com/gpu: "1"}}}
    sidecars: [{name: s, image: pytorch, resources: {limits: {nvidia.com/gpu: "1"}}}]
`;
    const job = makeRawWorkflowJob(yaml, { gpu: { kind: 'A100-80GB', count: 2 }, placement: UNPLACED });
    const built = buildWorkflow(job, { serviceAccountName: TEAM_SERVICE_ACCOUNT });
    // Two GPUs a pod, two granted: one pod at a time, not two.
    expect(built.workflow.spec.parallelism).toBe(1);
    expect(checkJobWorkloads(job, built, DEFAULT_TEAM_POLICY, false)).toEqual([]);
  });

  it('refuses NVIDIA_VISIBLE_DEVICES, which reaches past the device plugin', () => {
    expect(check((wf) => (main(wf).container.env = [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'all' }]))).toEqual([
      ['gantry.gpu', 'spec.templates[0].container.env[0].name'],
    ]);
    expect(check((wf) => (main(wf).container.env = [{ name: 'NVIDIA_VISIBLE_DEVICES', value: 'void' }]))).toEqual([]);
    const training = makeTrainingJob({
      spec: { image: 'x', command: ['python'], configFile: 'c', env: { NVIDIA_VISIBLE_DEVICES: 'all' } },
    });
    const built = buildWorkflow(training, { serviceAccountName: TEAM_SERVICE_ACCOUNT });
    expect(checkJobWorkloads(training, built, DEFAULT_TEAM_POLICY, true).map((v) => v.rule)).toEqual(['gantry.gpu']);
  });
});

describe('labels Gantry trusts', () => {
  it('refuses another job’s or team’s labels wherever Argo puts them on the Workflow or its pods', () => {
    expect(
      check((wf) => {
        wf.spec.workflowMetadata = {
          labels: { 'gantry.dev/job-id': '99' },
          labelsFrom: { 'gantry.dev/team': { expression: "'other'" } },
        };
        wf.spec.podMetadata = { labels: { 'gantry.dev/team': 'other' } };
        wf.spec.artifactGC = { podMetadata: { labels: { 'gantry.dev/job-id': '99' } } };
        wf.metadata.labels['workflows.argoproj.io/controller-instanceid'] = 'privileged';
      }).sort(),
    ).toEqual([
      ['gantry.labels', 'metadata.labels["workflows.argoproj.io/controller-instanceid"]'],
      ['gantry.labels', 'spec.artifactGC.podMetadata.labels["gantry.dev/job-id"]'],
      ['gantry.labels', 'spec.podMetadata.labels["gantry.dev/team"]'],
      ['gantry.labels', 'spec.workflowMetadata.labelsFrom["gantry.dev/team"]'],
      ['gantry.labels', 'spec.workflowMetadata.labels["gantry.dev/job-id"]'],
    ]);
    // A pod labelled as the GPU exporter would have its made-up /metrics read as telemetry.
    expect(check((wf) => (main(wf).metadata = { labels: { app: 'nvidia-dcgm-exporter' } }))).toEqual([
      ['gantry.labels', 'spec.templates[0].metadata.labels.app'],
    ]);
    // Gantry's own values, and Argo's informational labels, pass.
    expect(
      check((wf) => (wf.metadata.labels = { 'gantry.dev/job-id': '7', 'workflows.argoproj.io/no-test': 'x' })),
    ).toEqual([]);
  });

  it('refuses a raw workflow that labels its pods as another job, after the merge', () => {
    const yaml = `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: x-
  ownerReferences: [{apiVersion: v1, kind: ConfigMap, name: c, uid: u}]
  finalizers: [example.com/hold]
spec:
  entrypoint: main
  templates:
  - name: main
    metadata: {labels: {gantry.dev/job-id: "99"}}
    container: {image: busybox}
`;
    const job = makeRawWorkflowJob(yaml, { gpu: { kind: 'A100-80GB', count: 0 }, placement: UNPLACED });
    const built = buildWorkflow(job, { serviceAccountName: TEAM_SERVICE_ACCOUNT });
    expect(checkJobWorkloads(job, built, DEFAULT_TEAM_POLICY, false).map((v) => [v.rule, v.path])).toEqual([
      ['gantry.labels', 'spec.templates[0].metadata.labels["gantry.dev/job-id"]'],
    ]);
    // Only the user's labels and annotations survive in the Workflow's metadata.
    expect(Object.keys(built.workflow.metadata).sort()).toEqual(['annotations', 'labels', 'name']);
  });
});

describe('templateDefaults at the restricted level', () => {
  it('asks of its sidecars what restricted asks of every container', () => {
    const violations = check(
      (wf) => {
        wf.spec.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
        main(wf).container.securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
        wf.spec.templateDefaults = { sidecars: [{ name: 's', image: 'x' }] };
      },
      { level: 'restricted' },
    );
    expect(violations).toEqual([
      ['pss.privilegeEscalation', 'spec.templateDefaults.sidecars[0].securityContext.allowPrivilegeEscalation'],
      ['pss.capabilitiesRestricted', 'spec.templateDefaults.sidecars[0].securityContext.capabilities.drop'],
    ]);
  });
});

describe('ServiceAccount', () => {
  it('gives a raw workflow that names none, or an empty one, the team’s', () => {
    const yaml = (line: string) =>
      `apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {generateName: x-}\nspec:\n  entrypoint: main\n${line}  templates:\n  - name: main\n    container: {image: busybox}\n`;
    for (const line of ['', '  serviceAccountName: ""\n']) {
      const job = makeRawWorkflowJob(yaml(line), { gpu: { kind: 'A100-80GB', count: 0 }, placement: UNPLACED });
      expect(buildWorkflow(job, { serviceAccountName: TEAM_SERVICE_ACCOUNT }).workflow.spec.serviceAccountName).toBe(
        TEAM_SERVICE_ACCOUNT,
      );
    }
  });
});

describe('Secrets', () => {
  it('checks both names of a secret source, as either may be the one Kubernetes reads', () => {
    expect(
      check(
        (wf) =>
          (wf.spec.volumes = [
            { name: 'p', projected: { sources: [{ secret: { secretName: 'team-s3', name: 'gantry-sweep-other' } }] } },
            { name: 's', secret: { secretName: 'team-s3' } },
          ]),
      ),
    ).toEqual([['gantry.secret', 'spec.volumes[0].projected.sources[0].secret.name']]);
  });
});

describe('volume claims and priority', () => {
  it('refuses a claim template that picks volumes by label or fills from another namespace', () => {
    expect(
      check(
        (wf) =>
          (wf.spec.volumeClaimTemplates = [
            { metadata: { name: 'a' }, spec: { selector: { matchLabels: { team: 'other' } } } },
            {
              metadata: { name: 'b' },
              spec: { dataSourceRef: { kind: 'PersistentVolumeClaim', name: 'data', namespace: 'gantry-other' } },
            },
            {
              metadata: { name: 'c' },
              spec: { storageClassName: 'fast', dataSourceRef: { kind: 'PersistentVolumeClaim', name: 'data' } },
            },
          ]),
      ),
    ).toEqual([
      ['gantry.volumeTypes', 'spec.volumeClaimTemplates[0].spec.selector'],
      ['gantry.volumeTypes', 'spec.volumeClaimTemplates[1].spec.dataSourceRef.namespace'],
    ]);
  });

  it('refuses a pod priority number next to the job’s priority class', () => {
    expect(
      check((wf) => {
        wf.spec.podPriority = 1_000_000_000;
        main(wf).priority = 1_000_000_000;
      }),
    ).toEqual([
      ['gantry.placement', 'spec.podPriority'],
      ['gantry.placement', 'spec.templates[0].priority'],
    ]);
  });
});
