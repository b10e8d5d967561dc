// One reconcile pass over a workflow, after Argo's operator (`workflow/controller/operator.go`,
// `steps.go`, `dag.go`): walk from the entrypoint, create nodes that became runnable, roll child
// phases up into StepGroup/Steps/DAG/TaskGroup/Retry nodes. Node ids and names follow Argo:
// id = `<workflow>-<fnv32a(name)>`, names `wf[0].step(1:item)`, `wf.task`, `name(attempt)`.
import { fnv32a } from '../rand';
import type { ExprError, Scope } from './expr';
import { dependsTasks, evaluate, evaluateDepends, substitute, substituteDeep } from './expr';
import {
  isFailure,
  isFulfilled,
  type Arguments,
  type DagTask,
  type NodeStatus,
  type NodeType,
  type Step,
  type Template,
} from './types';

export function nodeId(wfName: string, nodeName: string): string {
  return nodeName === wfName ? wfName : `${wfName}-${fnv32a(nodeName)}`;
}

/** Pod name as Argo's POD_NAMES=v2 (`workflow/util/pod_name.go`): `<wf>-<template>-<fnv32a(nodeName)>`. */
export function podName(wfName: string, nodeName: string, templateName: string): string {
  if (nodeName === wfName) return wfName;
  let prefix = `${wfName}-${templateName}`;
  if (prefix.length > 253 - 11) prefix = prefix.slice(0, 253 - 11);
  return `${prefix}-${fnv32a(nodeName)}`;
}

export type PodRequest = {
  nodeId: string;
  nodeName: string;
  template: Template;
  scope: Scope;
  attempt: number;
};

/**
 * The API server refused a step's pod. Argo (util/errors IsTransientErr) treats a 403 "exceeded
 * quota" as transient: the node stays Pending with the error as its message and the pod is created
 * again when the workflow is requeued. Any other refusal ends the node in Error.
 */
export type PodRefusal = { message: string; transient: boolean };

/** Argo's DEFAULT_REQUEUE_TIME: a workflow whose pod creation failed transiently is looked at again after 10 s. */
const REQUEUE_MS = 10_000;

export type OperatorHooks = {
  now(): number;
  /** Creates the pod for a Pod node; false when the workflow's parallelism is used up. */
  createPod(req: PodRequest): boolean | PodRefusal;
  /** Asks for another reconcile at this wall-clock time (retry backoff, suspend). */
  wakeAt(ms: number): void;
  speed: number;
};

/** Per-workflow memory kept between passes (what Argo would re-derive from the object). */
/** `refused`: Pod nodes whose pod the API server refused transiently (created again on each pass). */
export type OperatorState = {
  linked: Set<string>;
  retryAt: Map<string, number>;
  topo: Map<string, DagTask[]>;
  refused: Set<string>;
};
export const newOperatorState = (): OperatorState => ({
  linked: new Set(),
  retryAt: new Map(),
  topo: new Map(),
  refused: new Set(),
});

type Ctx = {
  wf: {
    metadata: {
      name: string;
      namespace?: string;
      uid?: string;
      labels?: Record<string, string>;
      annotations?: Record<string, string>;
    };
    spec: Record<string, unknown>;
    status: Record<string, unknown>;
  };
  nodes: Record<string, NodeStatus>;
  templates: Map<string, Template>;
  globals: Scope;
  hooks: OperatorHooks;
  state: OperatorState;
};

const ts = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

function parseSeconds(d: string | number | undefined): number {
  if (d === undefined) return 0;
  if (typeof d === 'number') return d;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(d.trim());
  if (!m) return Number(d) || 0;
  const mult = { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] ?? 's']!;
  return Number(m[1]) * mult;
}

/** A loop item's label in node names: Argo prints maps as `k1:v1,k2:v2` with sorted keys. */
export function itemLabel(item: unknown): string {
  if (item && typeof item === 'object' && !Array.isArray(item)) {
    return Object.keys(item)
      .sort()
      .map((k) => `${k}:${formatItem((item as Record<string, unknown>)[k])}`)
      .join(',');
  }
  return formatItem(item);
}
function formatItem(v: unknown): string {
  return typeof v === 'string' ? v : JSON.stringify(v);
}

function itemScope(item: unknown): Scope {
  const s: Scope = { item: formatItem(item) };
  if (item && typeof item === 'object' && !Array.isArray(item)) {
    for (const [k, v] of Object.entries(item)) s[`item.${k}`] = formatItem(v);
  }
  return s;
}

class OperatorError extends Error {}

/** The items a withItems/withParam/withSequence step fans out over, or null when it does not. */
function expandItems(step: Step, scope: Scope): unknown[] | null {
  if (step.withItems) return substituteDeep(step.withItems, scope);
  if (step.withParam !== undefined) {
    const raw = substitute(step.withParam, scope);
    try {
      const v = JSON.parse(raw);
      if (!Array.isArray(v)) throw new Error('not a list');
      return v;
    } catch {
      throw new OperatorError(`withParam value could not be parsed as a JSON list: ${raw.slice(0, 200)}`);
    }
  }
  if (step.withSequence) {
    const s = substituteDeep(step.withSequence, scope);
    const start = Number(s.start ?? 0);
    const end = s.count !== undefined ? start + Number(s.count) - 1 : Number(s.end ?? 0);
    const out: string[] = [];
    const dir = end >= start ? 1 : -1;
    for (let i = start; dir > 0 ? i <= end : i >= end; i += dir) out.push(String(i));
    return out;
  }
  return null;
}

export class Operator {
  constructor(private readonly ctx: Ctx) {}

  private now(): string {
    return ts(this.ctx.hooks.now());
  }

  private link(parent: NodeStatus, childId: string): void {
    const key = `${parent.id}>${childId}`;
    if (this.ctx.state.linked.has(key)) return;
    this.ctx.state.linked.add(key);
    (parent.children ??= []).includes(childId) || parent.children.push(childId);
  }

  private create(name: string, type: NodeType, extra: Partial<NodeStatus>): NodeStatus {
    const id = nodeId(this.ctx.wf.metadata.name, name);
    const node: NodeStatus = {
      id,
      name,
      displayName: extra.displayName ?? name,
      type,
      phase: 'Pending',
      startedAt: this.now(),
      finishedAt: null,
      templateScope: `local/${this.ctx.wf.metadata.name}`,
      ...extra,
    };
    if (type !== 'Pod' && node.phase === 'Pending') node.phase = 'Running';
    this.ctx.nodes[id] = node;
    return node;
  }

  private finish(node: NodeStatus, phase: NodeStatus['phase'], message?: string): NodeStatus {
    node.phase = phase;
    node.finishedAt = this.now();
    if (message) node.message = message;
    return node;
  }

  private errorNode(
    name: string,
    boundaryID: string | undefined,
    displayName: string,
    message: string,
    templateName?: string,
  ): NodeStatus {
    const id = nodeId(this.ctx.wf.metadata.name, name);
    const existing = this.ctx.nodes[id];
    if (existing) return existing;
    return this.finish(
      this.create(name, 'Skipped', { boundaryID, displayName, templateName, phase: 'Error' }),
      'Error',
      message,
    );
  }

  /** Runs the workflow's entrypoint (and exit handler). Returns the workflow phase, or undefined while running. */
  run(): { phase: 'Succeeded' | 'Failed' | 'Error'; message?: string } | undefined {
    const { wf } = this.ctx;
    const name = wf.metadata.name;
    const entry = wf.spec.entrypoint as string | undefined;
    if (!entry || !this.ctx.templates.has(entry)) {
      return {
        phase: 'Error',
        message: entry
          ? `invalid spec: template name '${entry}' undefined`
          : 'invalid spec: spec.entrypoint is required',
      };
    }
    const root = this.exec(name, entry, wf.spec.arguments as Arguments | undefined, undefined, {
      displayName: name,
      scope: {},
    });
    if (!root || !isFulfilled(root.phase)) return undefined;
    const onExit = wf.spec.onExit as string | undefined;
    const shutdown = wf.spec.shutdown as string | undefined;
    let exitNode: NodeStatus | undefined;
    if (onExit && shutdown !== 'Terminate') {
      this.ctx.globals['workflow.status'] = root.phase;
      this.ctx.globals['workflow.failures'] = JSON.stringify(
        Object.values(this.ctx.nodes)
          .filter((n) => isFailure(n.phase) && n.type === 'Pod')
          .map((n) => ({
            displayName: n.displayName,
            message: n.message ?? '',
            templateName: n.templateName ?? '',
            phase: n.phase,
            podName: '',
            finishedAt: n.finishedAt,
          })),
      );
      exitNode = this.exec(`${name}.onExit`, onExit, undefined, undefined, {
        displayName: `${name}.onExit`,
        scope: {},
      });
      if (!exitNode || !isFulfilled(exitNode.phase)) return undefined;
    }
    if (root.phase === 'Succeeded' && (!exitNode || exitNode.phase === 'Succeeded')) return { phase: 'Succeeded' };
    const failed = isFailure(root.phase) ? root : exitNode!;
    return { phase: failed.phase === 'Error' ? 'Error' : 'Failed', message: failed.message };
  }

  exec(
    nodeName: string,
    tmplName: string | undefined,
    args: Arguments | undefined,
    boundaryID: string | undefined,
    opts: { displayName: string; scope: Scope; noRetry?: boolean; attempt?: number },
  ): NodeStatus | undefined {
    const id = nodeId(this.ctx.wf.metadata.name, nodeName);
    const existing = this.ctx.nodes[id];
    if (existing && isFulfilled(existing.phase)) return existing;
    const tmpl = tmplName ? this.ctx.templates.get(tmplName) : undefined;
    if (!tmpl) {
      return this.errorNode(
        nodeName,
        boundaryID,
        opts.displayName,
        tmplName
          ? `template '${tmplName}' not found`
          : 'templateRef and inline templates are not supported by the simulated cluster',
      );
    }
    if (tmpl.retryStrategy && !opts.noRetry) return this.execRetry(nodeName, tmpl, args, boundaryID, opts);

    // inputs: arguments, then the template's own value/default
    const scope: Scope = { ...this.ctx.globals, retries: String(opts.attempt ?? 0) };
    const inputs: Array<{ name: string; value: string }> = [];
    for (const p of tmpl.inputs?.parameters ?? []) {
      const arg = args?.parameters?.find((a) => a.name === p.name);
      const value = arg?.value ?? p.value ?? p.default ?? arg?.valueFrom?.default;
      if (value === undefined) {
        return this.errorNode(
          nodeName,
          boundaryID,
          opts.displayName,
          `inputs.parameters.${p.name} was not supplied`,
          tmpl.name,
        );
      }
      const v = typeof value === 'string' ? substitute(value, { ...scope, ...opts.scope }) : JSON.stringify(value);
      scope[`inputs.parameters.${p.name}`] = v;
      inputs.push({ name: p.name, value: v });
    }
    if (tmpl.inputs?.parameters) scope['inputs.parameters'] = JSON.stringify(inputs);
    const base = {
      boundaryID,
      displayName: opts.displayName,
      templateName: tmpl.name,
      ...(inputs.length ? { inputs: { parameters: inputs } } : {}),
    };

    if (tmpl.steps) return this.execSteps(nodeName, tmpl, scope, existing ?? this.create(nodeName, 'Steps', base));
    if (tmpl.dag) return this.execDag(nodeName, tmpl, scope, existing ?? this.create(nodeName, 'DAG', base));
    if (tmpl.suspend) {
      const node = existing ?? this.create(nodeName, 'Suspend', base);
      const secs = parseSeconds(tmpl.suspend.duration);
      if (tmpl.suspend.duration !== undefined) {
        const due = Date.parse(node.startedAt) + (secs * 1000) / this.ctx.hooks.speed;
        if (this.ctx.hooks.now() >= due) return this.finish(node, 'Succeeded');
        this.ctx.hooks.wakeAt(due);
      }
      return node;
    }
    if (tmpl.http) {
      const node = existing ?? this.create(nodeName, 'HTTP', base);
      return this.finish(node, 'Succeeded');
    }
    if (tmpl.container || tmpl.script || tmpl.containerSet || tmpl.resource || tmpl.data) {
      const nid = nodeId(this.ctx.wf.metadata.name, nodeName);
      if (existing && !this.ctx.state.refused.has(nid)) return existing;
      const ok = this.ctx.hooks.createPod({ nodeId: nid, nodeName, template: tmpl, scope, attempt: opts.attempt ?? 0 });
      if (ok === false) return existing;
      const node = existing ?? this.create(nodeName, 'Pod', { ...base, progress: '0/1' });
      if (ok === true) {
        this.ctx.state.refused.delete(nid);
        delete node.message;
        return node;
      }
      if (!ok.transient) {
        this.ctx.state.refused.delete(nid);
        return this.finish(node, 'Error', ok.message);
      }
      this.ctx.state.refused.add(nid);
      node.message = ok.message;
      this.ctx.hooks.wakeAt(this.ctx.hooks.now() + REQUEUE_MS / this.ctx.hooks.speed);
      return node;
    }
    return this.errorNode(
      nodeName,
      boundaryID,
      opts.displayName,
      `template '${tmpl.name}' has no supported type`,
      tmpl.name,
    );
  }

  private execRetry(
    nodeName: string,
    tmpl: Template,
    args: Arguments | undefined,
    boundaryID: string | undefined,
    opts: { displayName: string; scope: Scope },
  ): NodeStatus | undefined {
    const id = nodeId(this.ctx.wf.metadata.name, nodeName);
    const node =
      this.ctx.nodes[id] ??
      this.create(nodeName, 'Retry', { boundaryID, displayName: opts.displayName, templateName: tmpl.name });
    const rs = tmpl.retryStrategy!;
    const limitRaw =
      rs.limit === undefined ? undefined : Number(substitute(String(rs.limit), { ...this.ctx.globals, ...opts.scope }));
    const limit = limitRaw === undefined || !Number.isFinite(limitRaw) ? 1000 : limitRaw;
    const attempts = node.children ?? [];
    const last = attempts.length ? this.ctx.nodes[attempts[attempts.length - 1]] : undefined;
    const start = (k: number) => {
      const child = this.exec(`${nodeName}(${k})`, tmpl.name, args, boundaryID, {
        ...opts,
        displayName: `${opts.displayName}(${k})`,
        noRetry: true,
        attempt: k,
      });
      if (child) this.link(node, child.id);
      return node;
    };
    if (!last) return start(0);
    if (!isFulfilled(last.phase)) {
      const child = this.exec(last.name, tmpl.name, args, boundaryID, {
        ...opts,
        displayName: last.displayName,
        noRetry: true,
        attempt: attempts.length - 1,
      });
      if (child && child.phase === 'Running' && node.phase === 'Pending') node.phase = 'Running';
      if (!child || !isFulfilled(child.phase)) return node;
      return this.execRetry(nodeName, tmpl, args, boundaryID, opts);
    }
    if (last.phase === 'Succeeded' || last.phase === 'Skipped') {
      if (last.outputs) node.outputs = last.outputs;
      return this.finish(node, 'Succeeded');
    }
    const policy = rs.retryPolicy ?? 'OnFailure';
    const retryable =
      policy === 'Always'
        ? isFailure(last.phase)
        : policy === 'OnError'
          ? last.phase === 'Error'
          : policy === 'OnTransientError'
            ? false
            : last.phase === 'Failed';
    if (!retryable || attempts.length > limit) {
      if (last.outputs) node.outputs = last.outputs;
      return this.finish(
        node,
        last.phase === 'Error' ? 'Error' : 'Failed',
        retryable ? 'No more retries left' : last.message,
      );
    }
    const backoff = parseSeconds(rs.backoff?.duration);
    if (backoff > 0) {
      const factor = Number(rs.backoff?.factor ?? 1) || 1;
      const waitMs = (backoff * factor ** (attempts.length - 1) * 1000) / this.ctx.hooks.speed;
      const due = this.ctx.state.retryAt.get(id) ?? Date.parse(String(last.finishedAt)) + waitMs;
      this.ctx.state.retryAt.set(id, due);
      if (this.ctx.hooks.now() < due) {
        node.message = `Backoff for ${Math.round(backoff * factor ** (attempts.length - 1))} seconds`;
        this.ctx.hooks.wakeAt(due);
        return node;
      }
      this.ctx.state.retryAt.delete(id);
      delete node.message;
    }
    return start(attempts.length);
  }

  private outputsScope(prefix: string, node: NodeStatus | undefined, scope: Scope): void {
    if (!node) return;
    scope[`${prefix}.id`] = node.id;
    scope[`${prefix}.status`] = node.phase;
    scope[`${prefix}.startedAt`] = node.startedAt;
    if (node.finishedAt) scope[`${prefix}.finishedAt`] = node.finishedAt;
    if (node.outputs?.result !== undefined) scope[`${prefix}.outputs.result`] = node.outputs.result;
    if (node.outputs?.exitCode !== undefined) scope[`${prefix}.exitCode`] = node.outputs.exitCode;
    for (const p of node.outputs?.parameters ?? []) scope[`${prefix}.outputs.parameters.${p.name}`] = p.value;
  }

  /** Expands one step/task into its child nodes; returns them (undefined entries = not created yet). */
  private runStep(
    step: Step,
    childBase: string,
    scope: Scope,
    boundaryID: string,
    group: NodeStatus | undefined,
    parentForTaskGroup?: () => NodeStatus,
  ): { nodes: Array<NodeStatus | undefined>; expanded: NodeStatus | undefined } {
    let items: unknown[] | null;
    try {
      items = expandItems(step, scope);
    } catch (e) {
      return { nodes: [this.errorNode(childBase, boundaryID, step.name, (e as Error).message)], expanded: undefined };
    }
    const one = (name: string, display: string, s: Scope): NodeStatus | undefined => {
      if (step.when) {
        const cond = substitute(step.when, s);
        let ok: boolean;
        try {
          ok = evaluate(cond);
        } catch (e) {
          return this.errorNode(
            name,
            boundaryID,
            display,
            `failed to evaluate expression: ${(e as ExprError).message}`,
          );
        }
        if (!ok) {
          const id = nodeId(this.ctx.wf.metadata.name, name);
          return (
            this.ctx.nodes[id] ??
            this.finish(
              this.create(name, 'Skipped', {
                boundaryID,
                displayName: display,
                templateName: step.template,
                phase: 'Skipped',
              }),
              'Skipped',
              `when '${cond}' evaluated false`,
            )
          );
        }
      }
      if (step.templateRef || step.inline)
        return this.errorNode(
          name,
          boundaryID,
          display,
          'templateRef and inline templates are not supported by the simulated cluster',
        );
      return this.exec(name, step.template, substituteDeep(step.arguments, s), boundaryID, {
        displayName: display,
        scope: s,
      });
    };
    if (items === null) return { nodes: [one(childBase, step.name, scope)], expanded: undefined };
    const tg = parentForTaskGroup?.();
    const out = items.map((item, j) => {
      const n = one(`${childBase}(${j}:${itemLabel(item)})`, `${step.name}(${j}:${itemLabel(item)})`, {
        ...scope,
        ...itemScope(item),
      });
      if (n && tg) this.link(tg, n.id);
      return n;
    });
    if (group && !tg) for (const n of out) if (n) this.link(group, n.id);
    return { nodes: out, expanded: tg };
  }

  private execSteps(nodeName: string, tmpl: Template, scope: Scope, node: NodeStatus): NodeStatus {
    if (isFulfilled(node.phase)) return node;
    let prevOutbound: string[] = [];
    const stepScope: Scope = { ...scope };
    for (let i = 0; i < tmpl.steps!.length; i++) {
      const groupSteps = tmpl.steps![i] ?? [];
      const gName = `${nodeName}[${i}]`;
      const gid = nodeId(this.ctx.wf.metadata.name, gName);
      let group = this.ctx.nodes[gid];
      if (!group) {
        group = this.create(gName, 'StepGroup', { boundaryID: node.id, displayName: `[${i}]` });
        if (i === 0) this.link(node, gid);
        else for (const o of prevOutbound) this.link(this.ctx.nodes[o], gid);
      }
      const outbound: string[] = [];
      let allDone = true;
      let failed: NodeStatus | undefined;
      for (const step of groupSteps) {
        const base = `${gName}.${step.name}`;
        if (group.phase === 'Succeeded') {
          // settled group: only read outputs (fan-outs are not walked again)
          const n = this.ctx.nodes[nodeId(this.ctx.wf.metadata.name, base)];
          this.outputsScope(`steps.${step.name}`, n, stepScope);
          if (n) outbound.push(n.id);
          continue;
        }
        const { nodes } = this.runStep(step, base, stepScope, node.id, group);
        const results: string[] = [];
        for (const n of nodes) {
          if (!n) {
            allDone = false;
            continue;
          }
          this.link(group, n.id);
          outbound.push(n.id);
          if (!isFulfilled(n.phase)) allDone = false;
          else if (isFailure(n.phase) && !(n.phase === 'Failed' ? step.continueOn?.failed : step.continueOn?.error))
            failed ??= n;
          if (n.outputs?.result !== undefined) results.push(n.outputs.result);
        }
        if (nodes.length === 1 && !(step.withItems || step.withParam || step.withSequence))
          this.outputsScope(`steps.${step.name}`, nodes[0], stepScope);
        else stepScope[`steps.${step.name}.outputs.result`] = JSON.stringify(results);
      }
      if (group.phase !== 'Succeeded') {
        if (!allDone) {
          if (node.phase === 'Pending') node.phase = 'Running';
          return node;
        }
        this.finish(group, failed ? 'Failed' : 'Succeeded', failed ? `child '${failed.id}' failed` : undefined);
        if (failed) return this.finish(node, 'Failed', `child '${failed.id}' failed`);
      }
      prevOutbound = outbound;
    }
    node.outputs = this.templateOutputs(tmpl, stepScope);
    if (!node.outputs) delete node.outputs;
    return this.finish(node, 'Succeeded');
  }

  private templateOutputs(tmpl: Template, scope: Scope): NodeStatus['outputs'] | undefined {
    const params = (tmpl.outputs?.parameters ?? []).map((p) => ({
      name: p.name,
      value: substitute(p.valueFrom?.parameter ?? p.value ?? p.valueFrom?.default ?? '', scope),
    }));
    return params.length ? { parameters: params } : undefined;
  }

  private topo(tmpl: Template): DagTask[] {
    const cached = this.ctx.state.topo.get(tmpl.name);
    if (cached) return cached;
    const tasks = tmpl.dag!.tasks ?? [];
    const byName = new Map(tasks.map((t) => [t.name, t]));
    const out: DagTask[] = [];
    const seen = new Set<string>();
    const visit = (t: DagTask, stack: Set<string>) => {
      if (seen.has(t.name)) return;
      if (stack.has(t.name)) throw new OperatorError(`dependency cycle at task '${t.name}'`);
      stack.add(t.name);
      for (const d of taskDeps(t)) {
        const dt = byName.get(d);
        if (!dt) throw new OperatorError(`task '${t.name}' depends on unknown task '${d}'`);
        visit(dt, stack);
      }
      seen.add(t.name);
      out.push(t);
    };
    for (const t of tasks) visit(t, new Set());
    this.ctx.state.topo.set(tmpl.name, out);
    return out;
  }

  private execDag(nodeName: string, tmpl: Template, scope: Scope, node: NodeStatus): NodeStatus {
    if (isFulfilled(node.phase)) return node;
    let order: DagTask[];
    try {
      order = this.topo(tmpl);
    } catch (e) {
      return this.finish(node, 'Error', (e as Error).message);
    }
    const wfName = this.ctx.wf.metadata.name;
    const phase = new Map<string, string>();
    const taskNode = new Map<string, NodeStatus>();
    const groupPhases = new Map<string, string[]>();
    const dagScope: Scope = { ...scope };
    const failFast = tmpl.dag!.failFast !== false;
    let unhandledFailure: NodeStatus | undefined;
    let running = 0;
    const handled = (name: string) =>
      order.some(
        (t) => t.depends && new RegExp(`\\b${name}\\.(Failed|Errored|AllFailed|AnySucceeded)\\b`).test(t.depends),
      ) || false;

    for (const t of order) {
      const tName = `${nodeName}.${t.name}`;
      const tid = nodeId(wfName, tName);
      const existing = this.ctx.nodes[tid];
      const fan = !!(t.withItems || t.withParam || t.withSequence);
      const record = (n: NodeStatus | undefined) => {
        if (!n) {
          running++;
          return;
        }
        taskNode.set(t.name, n);
        phase.set(t.name, n.phase);
        if (!isFulfilled(n.phase)) running++;
        else {
          if (!fan) this.outputsScope(`tasks.${t.name}`, n, dagScope);
          if (
            isFailure(n.phase) &&
            !(n.phase === 'Failed' ? t.continueOn?.failed : t.continueOn?.error) &&
            !handled(t.name)
          )
            unhandledFailure ??= n;
        }
      };
      if (existing && isFulfilled(existing.phase)) {
        record(existing);
        if (fan)
          dagScope[`tasks.${t.name}.outputs.result`] = JSON.stringify(
            (existing.children ?? []).map((c) => this.ctx.nodes[c]?.outputs?.result).filter((r) => r !== undefined),
          );
        continue;
      }
      const deps = taskDeps(t);
      if (deps.some((d) => !isFulfilled(phase.get(d)))) continue;
      if (!existing && unhandledFailure && failFast) continue;
      const expr = t.depends ?? deps.join(' && ');
      let ok = true;
      if (expr) {
        try {
          ok = evaluateDepends(
            expr,
            (n) => phase.get(n),
            (n) => groupPhases.get(n) ?? [phase.get(n) ?? ''],
          );
        } catch (e) {
          record(this.errorNode(tName, node.id, t.name, (e as Error).message, t.template));
          continue;
        }
      }
      const linkParents = (n: NodeStatus) => {
        if (!deps.length) this.link(node, n.id);
        for (const d of deps) {
          const dn = taskNode.get(d);
          if (dn) this.link(dn, n.id);
        }
      };
      if (!ok) {
        const n =
          existing ??
          this.finish(
            this.create(tName, 'Skipped', {
              boundaryID: node.id,
              displayName: t.name,
              templateName: t.template,
              phase: 'Omitted',
            }),
            'Omitted',
            'omitted: depends condition not met',
          );
        linkParents(n);
        record(n);
        continue;
      }
      if (!fan) {
        const { nodes } = this.runStep(t, tName, dagScope, node.id, undefined);
        if (nodes[0]) linkParents(nodes[0]);
        record(nodes[0]);
        continue;
      }
      const tg =
        existing ??
        this.create(tName, 'TaskGroup', { boundaryID: node.id, displayName: t.name, templateName: t.template });
      linkParents(tg);
      const { nodes } = this.runStep(t, tName, dagScope, node.id, undefined, () => tg);
      const phases = nodes.map((n) => n?.phase ?? 'Pending');
      groupPhases.set(t.name, phases);
      if (nodes.every((n) => n && isFulfilled(n.phase))) {
        const bad = nodes.find(
          (n) => n && isFailure(n.phase) && !(n.phase === 'Failed' ? t.continueOn?.failed : t.continueOn?.error),
        );
        this.finish(tg, bad ? 'Failed' : 'Succeeded', bad ? `child '${bad.id}' failed` : undefined);
        dagScope[`tasks.${t.name}.outputs.result`] = JSON.stringify(
          nodes.map((n) => n!.outputs?.result).filter((r) => r !== undefined),
        );
      }
      record(tg);
    }
    if (running > 0 || (!unhandledFailure && order.some((t) => !isFulfilled(phase.get(t.name))))) {
      if (node.phase === 'Pending') node.phase = 'Running';
      return node;
    }
    const dependedOn = new Set(order.flatMap(taskDeps));
    node.outboundNodes = order
      .filter((t) => !dependedOn.has(t.name) && taskNode.has(t.name))
      .map((t) => taskNode.get(t.name)!.id);
    const outputs = this.templateOutputs(tmpl, dagScope);
    if (outputs) node.outputs = outputs;
    if (unhandledFailure) return this.finish(node, 'Failed', `child '${unhandledFailure.id}' failed`);
    return this.finish(node, 'Succeeded');
  }
}

function taskDeps(t: DagTask): string[] {
  if (t.depends) return dependsTasks(t.depends);
  return t.dependencies ?? [];
}

export function buildCtx(wf: Ctx['wf'], hooks: OperatorHooks, state: OperatorState): Ctx {
  const spec = wf.spec;
  const templates = new Map<string, Template>(
    ((spec.templates as Template[] | undefined) ?? []).map((t) => [t.name, t]),
  );
  const globals: Scope = {
    'workflow.name': wf.metadata.name,
    'workflow.namespace': wf.metadata.namespace ?? 'default',
    'workflow.uid': wf.metadata.uid ?? '',
    'workflow.serviceAccountName': (spec.serviceAccountName as string) ?? 'default',
    'workflow.creationTimestamp': String((wf.metadata as Record<string, unknown>).creationTimestamp ?? ''),
    'workflow.duration': String(
      Math.max(
        0,
        (hooks.now() - Date.parse(String(wf.status.startedAt ?? new Date(hooks.now()).toISOString()))) / 1000,
      ),
    ),
  };
  for (const p of (spec.arguments as Arguments | undefined)?.parameters ?? []) {
    globals[`workflow.parameters.${p.name}`] = String(p.value ?? p.default ?? '');
  }
  globals['workflow.parameters'] = JSON.stringify((spec.arguments as Arguments | undefined)?.parameters ?? []);
  for (const [k, v] of Object.entries(wf.metadata.labels ?? {})) globals[`workflow.labels.${k}`] = v;
  for (const [k, v] of Object.entries(wf.metadata.annotations ?? {})) globals[`workflow.annotations.${k}`] = v;
  wf.status.nodes ??= {};
  return { wf, nodes: wf.status.nodes as Record<string, NodeStatus>, templates, globals, hooks, state };
}
