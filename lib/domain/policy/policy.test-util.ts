// The workflow and context the policy tests share: a workflow every rule passes at baseline, and
// helpers that change one field of it.
import { TEAM_SERVICE_ACCOUNT } from '../tenancy';
import { checkWorkloads, type PolicyContext } from './index';

// The tests write any field into a manifest, wrong shapes on purpose: only `any` lets them.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type Obj = Record<string, any>;

export const context: PolicyContext = {
  level: 'baseline',
  serviceAccountName: TEAM_SERVICE_ACCOUNT,
  allowedSecrets: ['team-s3'],
  gantrySecrets: ['gantry-sweep-1'],
  gpu: { count: 2, resourceName: 'nvidia.com/gpu' },
  placement: {
    nodeSelector: { 'nvidia.com/gpu.product': 'A100' },
    tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }],
    priorityClassName: 'gantry-normal',
  },
  templateRefs: ['gantry-7-part'],
  jobLabels: { 'gantry.dev/job-id': '7', 'gantry.dev/team': 'vision' },
  exceptions: [],
};

/** A workflow every rule passes at baseline: one DAG, one GPU step, one CPU step. */
export function baseWorkflow(): Obj {
  return {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'gantry-7', labels: { serviceAccountName: 'not-a-field' } },
    spec: {
      entrypoint: 'main',
      serviceAccountName: TEAM_SERVICE_ACCOUNT,
      podPriorityClassName: 'gantry-normal',
      volumes: [{ name: 'scratch', emptyDir: {} }],
      templates: [
        {
          name: 'main',
          dag: {
            tasks: [
              { name: 'a', template: 'gpu' },
              { name: 'b', template: 'cpu', depends: 'a' },
            ],
          },
        },
        {
          name: 'gpu',
          nodeSelector: { 'nvidia.com/gpu.product': 'A100' },
          tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }],
          container: {
            image: 'pytorch',
            resources: { limits: { 'nvidia.com/gpu': '2' } },
            volumeMounts: [{ name: 'scratch', mountPath: '/s' }],
          },
        },
        {
          name: 'cpu',
          script: {
            image: 'python',
            source: 'print(1)',
            env: [{ name: 'K', valueFrom: { secretKeyRef: { name: 'team-s3', key: 'k' } } }],
          },
        },
      ],
    },
  };
}

export function check(mutate: (wf: Obj) => void, ctx: Partial<PolicyContext> = {}) {
  const workflow = baseWorkflow();
  mutate(workflow);
  return checkWorkloads({ workflow }, { ...context, ...ctx });
}

export const gpu = (wf: Obj) => wf.spec.templates[1];
export const gpuSc = (wf: Obj) => (gpu(wf).container.securityContext ??= {});

/** What restricted asks of the base workflow's two containers, so a restricted case breaks one rule only. */
export function restrictBase(wf: Obj) {
  wf.spec.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
  for (const t of [wf.spec.templates[1].container, wf.spec.templates[2].script]) {
    t.securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
  }
}
