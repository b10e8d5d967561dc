import { describe, expect, it } from 'vitest';
import { buildTeamNamespace, gpuQuotaHard, gpuResourceOfKind } from './team-namespace';
import { TEAM_SERVICE_ACCOUNT } from './tenancy';

describe('gpuResourceOfKind', () => {
  it('takes what the nodes advertise, else names MIG profiles and whole GPUs by the kind id', () => {
    expect(gpuResourceOfKind('a100-80gb-shared', { 'a100-80gb-shared': 'nvidia.com/gpu.shared' })).toBe(
      'nvidia.com/gpu.shared',
    );
    expect(gpuResourceOfKind('a100-80gb-mig-1g.10gb')).toBe('nvidia.com/mig-1g.10gb');
    expect(gpuResourceOfKind('h100-80gb')).toBe('nvidia.com/gpu');
  });
});

describe('gpuQuotaHard', () => {
  it('sums guaranteed + borrowing limit of the kinds sharing a device-plugin resource', () => {
    const hard = gpuQuotaHard(
      [
        { gpuKind: 'a100-80gb-shared', guaranteed: 4, borrowingLimit: 2 },
        { gpuKind: 't4', guaranteed: 1, borrowingLimit: 0 },
        { gpuKind: 'a100-80gb-mig-2g.20gb', guaranteed: 3, borrowingLimit: 1 },
      ],
      {
        'a100-80gb-shared': 'nvidia.com/gpu',
        t4: 'nvidia.com/gpu',
        'a100-80gb-mig-2g.20gb': 'nvidia.com/mig-2g.20gb',
        'a100-80gb-mig-1g.10gb': 'nvidia.com/mig-1g.10gb',
      },
    );
    // a resource the cluster has but the team holds no quota on is capped at 0, as the scheduler admits none
    expect(hard).toEqual({
      'requests.nvidia.com/gpu': '7',
      'requests.nvidia.com/mig-1g.10gb': '0',
      'requests.nvidia.com/mig-2g.20gb': '4',
    });
  });

  it('is empty for a team with no quota on a cluster that said nothing', () => {
    expect(gpuQuotaHard([])).toEqual({});
  });
});

describe('buildTeamNamespace', () => {
  it('describes gantry-<slug> with its Pod Security level, a ServiceAccount without token, quota, limits and deny-ingress', () => {
    const plan = buildTeamNamespace({
      slug: 'vision',
      podSecurity: 'restricted',
      quotas: [{ gpuKind: 'a100-80gb-shared', guaranteed: 2, borrowingLimit: 0 }],
    });
    expect(plan.namespace).toBe('gantry-vision');
    expect(plan.ownNamespace).toBe(true);
    expect(plan.objects.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Namespace/gantry-vision',
      `ServiceAccount/${TEAM_SERVICE_ACCOUNT}`,
      'ResourceQuota/gantry-gpus',
      'LimitRange/gantry-defaults',
      'NetworkPolicy/gantry-deny-ingress',
    ]);
    expect(plan.objects[0].metadata.labels).toEqual({
      'gantry.dev/team': 'vision',
      'app.kubernetes.io/managed-by': 'gantry',
      'pod-security.kubernetes.io/enforce': 'restricted',
      'pod-security.kubernetes.io/enforce-version': 'latest',
    });
    expect(plan.objects[1]).toMatchObject({
      automountServiceAccountToken: false,
      metadata: { namespace: 'gantry-vision' },
    });
    expect(plan.objects[2]).toMatchObject({ spec: { hard: { 'requests.nvidia.com/gpu': '2' } } });
    expect(plan.objects[4]).toMatchObject({ spec: { podSelector: {}, policyTypes: ['Ingress'] } });
    expect(plan.objects.slice(1).every((o) => o.metadata.namespace === 'gantry-vision')).toBe(true);
  });

  it('puts a team mapped to an existing namespace there, without claiming the namespace as Gantry’s', () => {
    const plan = buildTeamNamespace({ slug: 'nlp', namespace: 'research', podSecurity: 'baseline', quotas: [] });
    expect(plan).toMatchObject({ namespace: 'research', ownNamespace: false });
    expect(plan.objects[0].metadata.labels).not.toHaveProperty('app.kubernetes.io/managed-by');
    expect(plan.objects[0].metadata.labels).toMatchObject({
      'gantry.dev/team': 'nlp',
      'pod-security.kubernetes.io/enforce': 'baseline',
    });
  });
});
