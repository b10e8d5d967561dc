// The Pod the Argo controller creates for a Pod node (its `createWorkflowPod`): the wait and main
// containers, labels and annotations tying it to its workflow and node, the template's placement,
// and the owner reference; with the simulation's run of it (the step's plan and resource demand).
import { stepPodName } from '@/lib/domain/workflow/pod-name';
import { parseQuantity, type PodDemand, type Toleration } from '../placement';
import type { PodRun } from '../pod-runs';
import type { KObject } from '../store';
import { substitute, substituteDeep } from './expr';
import { collectHints, planStep } from './model';
import type { PodRequest } from './operator-context';
import { readResourceAction } from './resource';
import type { Container, Template } from './types';
import { withPrefix, type WfRun } from './workflow-run';

const EXECUTOR_IMAGE = 'quay.io/argoproj/argoexec:v3.6.4';

type Affinity = {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: PodDemand['affinityTerms'] };
  };
};
type Metadata = { labels?: Record<string, string>; annotations?: Record<string, string> };

export type PodPlanOptions = {
  seed: number;
  failureRate: number;
  now: number;
  /** Pods created before for this node name (an `argo retry` runs a step again as a later attempt). */
  earlier: number;
};

/** The template's main container, its parameters substituted (a `resource` step runs argoexec). */
function mainContainer(t: Template, req: PodRequest): Container {
  const c = t.container ??
    t.script ??
    t.containerSet?.containers?.[0] ?? { image: EXECUTOR_IMAGE, command: ['argoexec', 'resource'] };
  return substituteDeep(c, req.scope);
}

/** Requests per resource, defaulted from limits as the API server does. */
function requestsOf(c: Container): Record<string, number> {
  const requests: Record<string, number> = {};
  for (const [k, v] of Object.entries({ ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) }))
    requests[k] = parseQuantity(v);
  return requests;
}

/** nodeSelector, tolerations and affinity: the template's, else the workflow's. */
function placementOf(t: Template, spec: Record<string, unknown>) {
  return {
    nodeSelector: (t.nodeSelector ?? spec.nodeSelector) as Record<string, string> | undefined,
    tolerations: (t.tolerations ?? spec.tolerations) as Toleration[] | undefined,
    affinity: (t.affinity ?? spec.affinity) as Affinity | undefined,
  };
}

/** The Pod object and its run for a Pod node of the workflow. */
export function buildPod(run: WfRun, req: PodRequest, o: PodPlanOptions): { pod: KObject; pr: PodRun } {
  const { wf } = run;
  const t = req.template;
  const c = mainContainer(t, req);
  const ns = wf.metadata.namespace ?? 'default';
  const name = stepPodName(wf.metadata.name, req.nodeName, t.name);
  const requests = requestsOf(c);
  const podMeta = (wf.spec.podMetadata ?? {}) as Metadata;
  const annotations = { ...(podMeta.annotations ?? {}), ...(t.metadata?.annotations ?? {}) };
  const hints = collectHints({ ...withPrefix(wf.metadata.annotations, 'gantry.dev/sim-'), ...annotations }, c.env);
  // A step run again after `argo retry` counts as a later attempt and draws afresh, so a transient
  // failure (sim-fail-attempts, a seeded failure) can pass the second time, as it would for real.
  const plan = planStep({
    seed: o.seed,
    failureRate: o.failureRate,
    key: `${wf.metadata.uid}:${req.nodeName}${o.earlier ? `#${o.earlier}` : ''}`,
    attempt: req.attempt + o.earlier,
    hints,
    command: [...(c.command ?? []), ...(c.args ?? [])],
    source: c.source,
    templateName: t.name,
    image: c.image ?? '',
    gpus: Object.entries(requests)
      .filter(([k]) => k.startsWith('nvidia.com/'))
      .reduce((a, [, v]) => a + v, 0),
  });
  const placement = placementOf(t, wf.spec);
  const key = `${ns}/${name}`;
  const demand: PodDemand = {
    key,
    requests,
    nodeSelector: placement.nodeSelector,
    tolerations: placement.tolerations,
    affinityTerms: placement.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms,
  };
  const pr: PodRun = {
    key,
    ns,
    name,
    wfKey: run.key,
    nodeId: req.nodeId,
    plan,
    demand,
    phase: 'Pending',
    createdAt: o.now,
  };
  const resource = readResourceAction(t.resource);
  if (resource) pr.resource = { ...resource, manifest: substitute(resource.manifest, req.scope) };
  const meta = { ns, name, labels: { ...(podMeta.labels ?? {}), ...(t.metadata?.labels ?? {}) }, annotations };
  return { pod: podObject(wf, req, c, meta, placement), pr };
}

function podObject(
  wf: WfRun['wf'],
  req: PodRequest,
  c: Container,
  meta: { ns: string; name: string; labels: Record<string, string>; annotations: Record<string, string> },
  placement: ReturnType<typeof placementOf>,
): KObject {
  const t = req.template;
  const spec = wf.spec;
  const { nodeSelector, tolerations, affinity } = placement;
  const priorityClassName = t.priorityClassName ?? spec.podPriorityClassName;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: meta.name,
      namespace: meta.ns,
      labels: {
        ...meta.labels,
        'workflows.argoproj.io/completed': 'false',
        'workflows.argoproj.io/workflow': wf.metadata.name,
      },
      annotations: {
        ...meta.annotations,
        'workflows.argoproj.io/node-id': req.nodeId,
        'workflows.argoproj.io/node-name': req.nodeName,
      },
      ownerReferences: [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Workflow',
          name: wf.metadata.name,
          uid: wf.metadata.uid!,
          controller: true,
          blockOwnerDeletion: true,
        } as never,
      ],
    },
    spec: {
      containers: [
        {
          name: 'wait',
          image: EXECUTOR_IMAGE,
          command: ['argoexec', 'wait', '--loglevel', 'info'],
          resources: { requests: { cpu: '10m', memory: '64Mi' } },
        },
        { name: 'main', image: c.image, command: c.command, args: c.args, env: c.env, resources: c.resources ?? {} },
      ],
      restartPolicy: 'Never',
      schedulerName: 'default-scheduler',
      serviceAccountName: (spec.serviceAccountName as string) ?? 'default',
      ...(nodeSelector ? { nodeSelector } : {}),
      ...(tolerations ? { tolerations } : {}),
      ...(affinity ? { affinity } : {}),
      ...(priorityClassName ? { priorityClassName } : {}),
    },
    status: { phase: 'Pending', qosClass: Object.keys(c.resources?.limits ?? {}).length ? 'Burstable' : 'BestEffort' },
  };
}
