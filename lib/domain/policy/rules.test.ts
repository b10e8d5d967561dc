// One failing and one passing change for every rule of the closed list (rules.ts), at its level and
// under a team exception.
import { describe, expect, it } from 'vitest';
import { TEAM_SERVICE_ACCOUNT } from '../tenancy';
import { POLICY_RULES, RULE_DESCRIPTIONS, type PolicyRule } from './index';
import { check, gpu, gpuSc, restrictBase, type Obj } from './policy.test-util';

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
