import { describe, expect, it } from 'vitest';
import { TEAM_SERVICE_ACCOUNT } from '../tenancy';
import { buildWorkflow } from '../workflow/builders';
import { Job } from '../workflow/job';
import {
  makeBenchmarkJob,
  makeEmbeddingJob,
  makeRawWorkflowJob,
  makeTrainingJob,
  USER_WORKFLOW_YAML,
} from '../workflow/test-jobs';
import { checkWorkloads, POLICY_RULES, RULE_DESCRIPTIONS, type PolicyContext, type PolicyRule } from './index';
import { checkJobWorkloads } from './job';

type Obj = Record<string, any>;

const context: PolicyContext = {
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
function baseWorkflow(): Obj {
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

function check(mutate: (wf: Obj) => void, ctx: Partial<PolicyContext> = {}) {
  const workflow = baseWorkflow();
  mutate(workflow);
  return checkWorkloads({ workflow }, { ...context, ...ctx });
}

const gpu = (wf: Obj) => wf.spec.templates[1];
const gpuSc = (wf: Obj) => (gpu(wf).container.securityContext ??= {});

/** One failing and one passing change per rule; each failing change breaks only its own rule. */
const cases: Array<{
  rule: PolicyRule;
  path: string;
  fail: (wf: Obj) => void;
  pass: (wf: Obj) => void;
  restricted?: boolean;
}> = [
  {
    rule: 'pss.hostProcess',
    path: 'spec.templates[1].container.securityContext.windowsOptions.hostProcess',
    fail: (wf) => (gpuSc(wf).windowsOptions = { hostProcess: true }),
    pass: (wf) => (gpuSc(wf).windowsOptions = { hostProcess: false }),
  },
  {
    rule: 'pss.hostNamespaces',
    path: 'spec.hostNetwork',
    fail: (wf) => (wf.spec.hostNetwork = true),
    pass: (wf) => (wf.spec.hostNetwork = false),
  },
  {
    rule: 'pss.privileged',
    path: 'spec.templates[1].container.securityContext.privileged',
    fail: (wf) => (gpuSc(wf).privileged = true),
    pass: (wf) => (gpuSc(wf).privileged = false),
  },
  {
    rule: 'pss.capabilities',
    path: 'spec.templates[1].container.securityContext.capabilities.add[1]',
    fail: (wf) => (gpuSc(wf).capabilities = { add: ['CHOWN', 'SYS_ADMIN'] }),
    pass: (wf) => (gpuSc(wf).capabilities = { add: ['CHOWN', 'NET_BIND_SERVICE'] }),
  },
  {
    rule: 'pss.hostPathVolumes',
    path: 'spec.volumes[1].hostPath',
    fail: (wf) => wf.spec.volumes.push({ name: 'root', hostPath: { path: '/' } }),
    pass: (wf) => wf.spec.volumes.push({ name: 'c', configMap: { name: 'c' } }),
  },
  {
    rule: 'pss.hostPorts',
    path: 'spec.templates[1].container.ports[0].hostPort',
    fail: (wf) => (gpu(wf).container.ports = [{ containerPort: 80, hostPort: 80 }]),
    pass: (wf) => (gpu(wf).container.ports = [{ containerPort: 80 }]),
  },
  {
    rule: 'pss.hostProbes',
    path: 'spec.templates[1].container.livenessProbe.httpGet.host',
    fail: (wf) => (gpu(wf).container.livenessProbe = { httpGet: { host: '10.0.0.1', port: 80 } }),
    pass: (wf) => (gpu(wf).container.livenessProbe = { httpGet: { port: 80 } }),
  },
  {
    rule: 'pss.appArmor',
    path: 'spec.templates[1].container.securityContext.appArmorProfile.type',
    fail: (wf) => (gpuSc(wf).appArmorProfile = { type: 'Unconfined' }),
    pass: (wf) => (gpuSc(wf).appArmorProfile = { type: 'RuntimeDefault' }),
  },
  {
    rule: 'pss.seLinux',
    path: 'spec.securityContext.seLinuxOptions.type',
    fail: (wf) => (wf.spec.securityContext = { seLinuxOptions: { type: 'spc_t' } }),
    pass: (wf) => (wf.spec.securityContext = { seLinuxOptions: { type: 'container_t', level: 's0:c1' } }),
  },
  {
    rule: 'pss.procMount',
    path: 'spec.templates[1].container.securityContext.procMount',
    fail: (wf) => (gpuSc(wf).procMount = 'Unmasked'),
    pass: (wf) => (gpuSc(wf).procMount = 'Default'),
  },
  {
    rule: 'pss.seccomp',
    path: 'spec.templates[2].securityContext.seccompProfile.type',
    fail: (wf) => (wf.spec.templates[2].securityContext = { seccompProfile: { type: 'Unconfined' } }),
    pass: (wf) => (wf.spec.templates[2].securityContext = { seccompProfile: { type: 'RuntimeDefault' } }),
  },
  {
    rule: 'pss.sysctls',
    path: 'spec.securityContext.sysctls[1].name',
    fail: (wf) =>
      (wf.spec.securityContext = {
        sysctls: [
          { name: 'net.ipv4.tcp_syncookies', value: '1' },
          { name: 'kernel.msgmax', value: '1' },
        ],
      }),
    pass: (wf) => (wf.spec.securityContext = { sysctls: [{ name: 'net.ipv4.tcp_syncookies', value: '1' }] }),
  },
  {
    rule: 'gantry.serviceAccount',
    path: 'spec.templates[2].executor.serviceAccountName',
    fail: (wf) => (wf.spec.templates[2].executor = { serviceAccountName: 'argo-admin' }),
    pass: (wf) => (wf.spec.templates[2].executor = { serviceAccountName: TEAM_SERVICE_ACCOUNT }),
  },
  {
    rule: 'gantry.secret',
    path: 'spec.templates[2].script.env[0].valueFrom.secretKeyRef.name',
    fail: (wf) => (wf.spec.templates[2].script.env[0].valueFrom.secretKeyRef.name = 'gantry-sweep-other'),
    pass: (wf) => (wf.spec.templates[2].script.env[0].valueFrom.secretKeyRef.name = 'gantry-sweep-1'),
  },
  {
    rule: 'gantry.podSpecPatch',
    path: 'spec.templates[1].podSpecPatch',
    fail: (wf) => (gpu(wf).podSpecPatch = '{"nodeName":"n1"}'),
    pass: () => {},
  },
  {
    rule: 'gantry.gpu',
    path: 'spec.templates[1].container.resources.limits["nvidia.com/gpu"]',
    fail: (wf) => (gpu(wf).container.resources.limits['nvidia.com/gpu'] = '8'),
    pass: (wf) => (gpu(wf).container.resources.limits['nvidia.com/gpu'] = '1'),
  },
  {
    rule: 'gantry.placement',
    path: 'spec.templates[1].nodeSelector["kubernetes.io/hostname"]',
    fail: (wf) => (gpu(wf).nodeSelector['kubernetes.io/hostname'] = 'other-node'),
    pass: (wf) => delete gpu(wf).nodeSelector,
  },
  {
    rule: 'gantry.resourceTemplate',
    path: 'spec.templates[3].resource',
    fail: (wf) => wf.spec.templates.push({ name: 'r', resource: { action: 'create', manifest: 'kind: Pod' } }),
    pass: (wf) => wf.spec.templates.push({ name: 's', suspend: {} }),
  },
  {
    rule: 'gantry.templateRef',
    path: 'spec.templates[0].dag.tasks[0].templateRef.name',
    fail: (wf) => (wf.spec.templates[0].dag.tasks[0] = { name: 'a', templateRef: { name: 'shared', template: 'x' } }),
    pass: (wf) =>
      (wf.spec.templates[0].dag.tasks[0] = { name: 'a', templateRef: { name: 'gantry-7-part', template: 'x' } }),
  },
  {
    rule: 'gantry.volumeTypes',
    path: 'spec.volumes[1].nfs',
    fail: (wf) => wf.spec.volumes.push({ name: 'n', nfs: { server: 'x', path: '/' } }),
    pass: (wf) => wf.spec.volumes.push({ name: 'p', persistentVolumeClaim: { claimName: 'data' } }),
  },
  {
    rule: 'gantry.httpTemplate',
    path: 'spec.templates[3].http',
    fail: (wf) => wf.spec.templates.push({ name: 'h', http: { url: 'http://169.254.169.254/' } }),
    pass: () => {},
  },
  {
    rule: 'gantry.pluginTemplate',
    path: 'spec.templates[3].plugin',
    fail: (wf) => wf.spec.templates.push({ name: 'p', plugin: { hello: {} } }),
    pass: () => {},
  },
  {
    rule: 'gantry.labels',
    path: 'spec.templates[1].metadata.labels["gantry.dev/job-id"]',
    fail: (wf) => (gpu(wf).metadata = { labels: { 'gantry.dev/job-id': '99' } }),
    pass: (wf) => (gpu(wf).metadata = { labels: { 'gantry.dev/job-id': '7', app: 'train' } }),
  },
  {
    rule: 'gantry.placeholderKey',
    path: 'spec.templates[1].container.resources.limits["{{inputs.parameters.gpu}}"]',
    fail: (wf) => (gpu(wf).container.resources.limits['{{inputs.parameters.gpu}}'] = '8'),
    pass: (wf) => (gpu(wf).container.args = ['--gpus={{inputs.parameters.gpu}}']),
  },
  // restricted only: these pass at baseline
  {
    rule: 'pss.volumeTypes',
    path: 'spec.volumes[1].hostPath',
    restricted: true,
    fail: (wf) => wf.spec.volumes.push({ name: 'g', hostPath: { path: '/data' } }),
    pass: (wf) => wf.spec.volumes.push({ name: 'p', projected: { sources: [{ configMap: { name: 'c' } }] } }),
  },
  {
    rule: 'pss.privilegeEscalation',
    path: 'spec.templates[1].container.securityContext.allowPrivilegeEscalation',
    restricted: true,
    fail: (wf) => (gpuSc(wf).allowPrivilegeEscalation = true),
    pass: (wf) => (gpuSc(wf).allowPrivilegeEscalation = false),
  },
  {
    rule: 'pss.runAsNonRoot',
    path: 'spec.securityContext.runAsNonRoot',
    restricted: true,
    fail: (wf) => (wf.spec.securityContext.runAsNonRoot = false),
    pass: (wf) => (wf.spec.securityContext.runAsNonRoot = true),
  },
  {
    rule: 'pss.runAsUser',
    path: 'spec.templates[1].container.securityContext.runAsUser',
    restricted: true,
    fail: (wf) => (gpuSc(wf).runAsUser = 0),
    pass: (wf) => (gpuSc(wf).runAsUser = 1000),
  },
  {
    rule: 'pss.seccompRestricted',
    path: 'spec.templates[1].container.securityContext.seccompProfile.type',
    restricted: true,
    fail: (wf) => (gpuSc(wf).seccompProfile = { type: 'Unconfined' }),
    pass: (wf) => (gpuSc(wf).seccompProfile = { type: 'Localhost', localhostProfile: 'p.json' }),
  },
  {
    rule: 'pss.capabilitiesRestricted',
    path: 'spec.templates[1].container.securityContext.capabilities.add[0]',
    restricted: true,
    fail: (wf) => (gpuSc(wf).capabilities = { drop: ['ALL'], add: ['CHOWN'] }),
    pass: (wf) => (gpuSc(wf).capabilities = { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }),
  },
];

/** What restricted asks of the base workflow's two containers, so a restricted case breaks one rule only. */
function restrictBase(wf: Obj) {
  wf.spec.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
  for (const t of [wf.spec.templates[1].container, wf.spec.templates[2].script]) {
    t.securityContext = { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } };
  }
}

describe('workload policy', () => {
  it('passes the base workflow at both levels', () => {
    expect(check(() => {})).toEqual([]);
    expect(check(restrictBase, { level: 'restricted' })).toEqual([]);
  });

  it('has a case, a description and a unique id for every rule', () => {
    expect(new Set(cases.map((c) => c.rule))).toEqual(new Set(POLICY_RULES));
    for (const rule of POLICY_RULES) expect(RULE_DESCRIPTIONS[rule]).toBeTruthy();
  });

  describe.each(cases)('$rule', ({ rule, path, fail, pass, restricted }) => {
    const level = restricted ? 'restricted' : 'baseline';
    const setUp = (change: (wf: Obj) => void) => (wf: Obj) => {
      if (restricted) restrictBase(wf);
      change(wf);
    };

    it('refuses the field by path and rule', () => {
      const violations = check(setUp(fail), { level });
      expect(violations).toContainEqual({ path, rule, message: expect.any(String) });
      expect(
        violations.every(
          (v) => v.rule === rule || (rule === 'pss.capabilitiesRestricted' && v.rule === 'pss.capabilities'),
        ),
      ).toBe(true);
    });

    it('passes the allowed value', () => {
      expect(check(setUp(pass), { level })).toEqual([]);
    });

    it('passes for a team with an exception for it', () => {
      expect(check(setUp(fail), { level, exceptions: [rule] })).toEqual([]);
    });

    if (restricted) {
      it('is not checked at baseline', () => {
        expect(check(setUp(fail)).filter((v) => v.rule === rule)).toEqual([]);
      });
    }
  });
});

describe('restricted level', () => {
  it('names every setting a container leaves out', () => {
    const violations = check(() => {}, { level: 'restricted' });
    const at = 'spec.templates[1].container.securityContext';
    expect(violations.filter((v) => v.path.startsWith(at)).map((v) => [v.rule, v.path])).toEqual([
      ['pss.privilegeEscalation', `${at}.allowPrivilegeEscalation`],
      ['pss.runAsNonRoot', `${at}.runAsNonRoot`],
      ['pss.seccompRestricted', `${at}.seccompProfile.type`],
      ['pss.capabilitiesRestricted', `${at}.capabilities.drop`],
    ]);
  });

  it('reads pod settings from the template over templateDefaults over the workflow', () => {
    const ok = (wf: Obj) => {
      restrictBase(wf);
      delete wf.spec.securityContext;
      wf.spec.templateDefaults = {
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
      };
    };
    expect(check(ok, { level: 'restricted' })).toEqual([]);
    // A template's own pod securityContext replaces the workflow's, as Argo does.
    const replaced = check(
      (wf) => {
        restrictBase(wf);
        wf.spec.templates[1].securityContext = { fsGroup: 1000 };
      },
      { level: 'restricted' },
    );
    expect(replaced.map((v) => v.rule)).toEqual(['pss.runAsNonRoot', 'pss.seccompRestricted']);
  });

  it('reports hostPath as a restricted volume type there', () => {
    const violations = check(
      (wf) => {
        restrictBase(wf);
        wf.spec.volumes.push({ name: 'root', hostPath: { path: '/' } });
      },
      { level: 'restricted' },
    );
    expect(violations.map((v) => v.rule)).toEqual(['pss.volumeTypes']);
  });
});

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

describe('every job kind, as Gantry builds it', () => {
  const team = { level: 'baseline' as const, allowedSecrets: [], exceptions: [] };
  const kinds = [
    ['training', () => makeTrainingJob()],
    ['embedding', () => makeEmbeddingJob()],
    ['benchmark', () => makeBenchmarkJob(12, {})],
    ['benchmark in parts', () => makeBenchmarkJob(3_000)],
    [
      'workflow',
      () =>
        makeRawWorkflowJob(
          USER_WORKFLOW_YAML.replace('nvidia.com/gpu: 8', 'nvidia.com/gpu: 4').replace(
            / {2}nodeSelector:\n {4}disk: ssd\n/,
            '',
          ),
        ),
    ],
  ] as const;

  it.each(kinds)('%s passes at baseline, and at restricted when Gantry builds it', (kind, make) => {
    const job = make();
    expect(
      checkJobWorkloads(job, buildWorkflow(job, { serviceAccountName: TEAM_SERVICE_ACCOUNT }), team, true),
    ).toEqual([]);
    if (kind === 'workflow') return;
    const restricted = buildWorkflow(job, { serviceAccountName: TEAM_SERVICE_ACCOUNT, podSecurity: 'restricted' });
    expect(checkJobWorkloads(job, restricted, { ...team, level: 'restricted' }, true)).toEqual([]);
  });

  it('lets a sweep reference only the Secret of its own dataset', () => {
    const datasetId = '6f1c2b9e-1f2a-4c3d-9e8f-0a1b2c3d4e5f';
    const job = makeBenchmarkJob(12, {});
    if (job.kind !== 'benchmark') throw new Error('unreachable');
    job.spec.datasetId = datasetId;
    const built = buildWorkflow(job);
    const env = built.workflow.spec.templates!.find((t) => t.name === 'run-configuration')!.container!.env!;
    expect(env.find((e) => e.name === 'GANTRY_RESULTS_TOKEN')?.valueFrom).toEqual({
      secretKeyRef: { name: `gantry-sweep-${datasetId}`, key: 'token' },
    });
    expect(checkJobWorkloads(job, built, team, true)).toEqual([]);
  });

  it('reads a stored job’s old resultsTokenSecret only as the dataset it names', () => {
    const datasetId = '6f1c2b9e-1f2a-4c3d-9e8f-0a1b2c3d4e5f';
    const legacy = makeBenchmarkJob(12, {});
    if (legacy.kind !== 'benchmark') throw new Error('unreachable');
    const stored = {
      ...legacy,
      spec: { ...legacy.spec, resultsTokenSecret: { name: `gantry-sweep-${datasetId}`, key: 'token' } },
    };
    delete (stored.spec as { datasetId?: string }).datasetId;
    expect(Job.parse(stored)).toMatchObject({ spec: { datasetId } });
    const other = {
      ...stored,
      spec: { ...stored.spec, resultsTokenSecret: { name: 'team-b-database', key: 'password' } },
    };
    const parsed = Job.parse(other);
    expect(parsed.kind === 'benchmark' && parsed.spec.datasetId).toBe(undefined);
    expect(JSON.stringify(buildWorkflow(parsed).workflow)).not.toContain('team-b-database');
  });

  it('names the user’s own GPU count, node selector and ServiceAccount in a raw workflow', () => {
    const job = makeRawWorkflowJob(
      USER_WORKFLOW_YAML.replace('entrypoint: main', 'entrypoint: main\n  serviceAccountName: argo-server'),
    );
    const built = buildWorkflow(job, { serviceAccountName: TEAM_SERVICE_ACCOUNT });
    expect(checkJobWorkloads(job, built, team, true).map((v) => [v.rule, v.path])).toEqual([
      ['gantry.placement', 'spec.nodeSelector.disk'],
      ['gantry.gpu', 'spec.templates[2].container.resources.limits["nvidia.com/gpu"]'],
      ['gantry.serviceAccount', 'spec.serviceAccountName'],
    ]);
  });
});
