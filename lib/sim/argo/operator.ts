// One reconcile pass over a workflow, after Argo's operator (`workflow/controller/operator.go`,
// `steps.go`, `dag.go`): walk from the entrypoint, create nodes that became runnable, roll child
// phases up into StepGroup/Steps/DAG/TaskGroup/Retry nodes. Node ids and names follow Argo:
// id = `<workflow>-<fnv32a(name)>`, names `wf[0].step(1:item)`, `wf.task`, `name(attempt)`.
import { evaluate, substitute, substituteDeep, type ExprError, type Scope } from './expr';
import { execDag } from './dag';
import { itemLabel } from '@/lib/domain/workflow/pod-name';
import { expandItems, itemScope, parseSeconds } from './items';
import { NodeBook } from './node-book';
import type { ExecCall, OperatorContext, StepCall, Walker } from './operator-context';
import { execRetry } from './retry-strategy';
import { execSteps } from './steps';
import { isFailure, isFulfilled, type Arguments, type NodeStatus, type Step, type Template } from './types';

/** Argo's DEFAULT_REQUEUE_TIME: a workflow whose pod creation failed transiently is looked at again after 10 s. */
const REQUEUE_MS = 10_000;

const UNSUPPORTED_REF = 'templateRef and inline templates are not supported by the simulated cluster';

type Base = Pick<NodeStatus, 'boundaryID' | 'displayName' | 'templateName' | 'inputs'>;

export class Operator implements Walker {
  readonly nodes: NodeBook;

  constructor(readonly ctx: OperatorContext) {
    this.nodes = new NodeBook(ctx);
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
    const args = wf.spec.arguments as Arguments | undefined;
    const root = this.exec({ nodeName: name, template: entry, args, displayName: name, scope: {} });
    if (!root || !isFulfilled(root.phase)) return undefined;
    let exitNode: NodeStatus | undefined;
    if (wf.spec.onExit && wf.spec.shutdown !== 'Terminate') {
      exitNode = this.runExitHandler(root, wf.spec.onExit as string);
      if (!exitNode || !isFulfilled(exitNode.phase)) return undefined;
    }
    if (root.phase === 'Succeeded' && (!exitNode || exitNode.phase === 'Succeeded')) return { phase: 'Succeeded' };
    const failed = isFailure(root.phase) ? root : exitNode!;
    return { phase: failed.phase === 'Error' ? 'Error' : 'Failed', message: failed.message };
  }

  /** spec.onExit, with `workflow.status` and `workflow.failures` set from the finished entrypoint. */
  private runExitHandler(root: NodeStatus, onExit: string): NodeStatus | undefined {
    const name = this.ctx.wf.metadata.name;
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
    return this.exec({ nodeName: `${name}.onExit`, template: onExit, displayName: `${name}.onExit`, scope: {} });
  }

  exec(call: ExecCall): NodeStatus | undefined {
    const { nodeName, template: tmplName, args, boundaryID } = call;
    const existing = this.nodes.get(nodeName);
    if (existing && isFulfilled(existing.phase)) return existing;
    const tmpl = tmplName ? this.ctx.templates.get(tmplName) : undefined;
    if (!tmpl) {
      const message = tmplName ? `template '${tmplName}' not found` : UNSUPPORTED_REF;
      return this.nodes.error(nodeName, boundaryID, call.displayName, message);
    }
    if (tmpl.retryStrategy && !call.noRetry) return execRetry(this, call, tmpl);
    const scope: Scope = { ...this.ctx.globals, retries: String(call.attempt ?? 0) };
    const inputs = this.resolveInputs(tmpl, args, scope, call.scope);
    if (typeof inputs === 'string')
      return this.nodes.error(
        nodeName,
        boundaryID,
        call.displayName,
        `inputs.parameters.${inputs} was not supplied`,
        tmpl.name,
      );
    const base: Base = {
      boundaryID,
      displayName: call.displayName,
      templateName: tmpl.name,
      ...(inputs.length ? { inputs: { parameters: inputs } } : {}),
    };
    if (tmpl.steps)
      return execSteps(this, nodeName, tmpl, scope, existing ?? this.nodes.create(nodeName, 'Steps', base));
    if (tmpl.dag) return execDag(this, nodeName, tmpl, scope, existing ?? this.nodes.create(nodeName, 'DAG', base));
    if (tmpl.suspend) return this.execSuspend(tmpl, existing ?? this.nodes.create(nodeName, 'Suspend', base));
    if (tmpl.http) return this.nodes.finish(existing ?? this.nodes.create(nodeName, 'HTTP', base), 'Succeeded');
    if (tmpl.container || tmpl.script || tmpl.containerSet || tmpl.resource || tmpl.data)
      return this.execPod(nodeName, tmpl, scope, call.attempt ?? 0, existing, base);
    const message = `template '${tmpl.name}' has no supported type`;
    return this.nodes.error(nodeName, boundaryID, call.displayName, message, tmpl.name);
  }

  /**
   * Input parameters: the argument, else the template's own value or default, substituted, set into
   * `scope`. Returns the name of a parameter that has no value.
   */
  private resolveInputs(
    tmpl: Template,
    args: Arguments | undefined,
    scope: Scope,
    callerScope: Scope,
  ): Array<{ name: string; value: string }> | string {
    const inputs: Array<{ name: string; value: string }> = [];
    for (const p of tmpl.inputs?.parameters ?? []) {
      const arg = args?.parameters?.find((a) => a.name === p.name);
      const value = arg?.value ?? p.value ?? p.default ?? arg?.valueFrom?.default;
      if (value === undefined) return p.name;
      const v = typeof value === 'string' ? substitute(value, { ...scope, ...callerScope }) : JSON.stringify(value);
      scope[`inputs.parameters.${p.name}`] = v;
      inputs.push({ name: p.name, value: v });
    }
    if (tmpl.inputs?.parameters) scope['inputs.parameters'] = JSON.stringify(inputs);
    return inputs;
  }

  /** A suspend template: done after its duration (none: it waits for a resume the sim never gets). */
  private execSuspend(tmpl: Template, node: NodeStatus): NodeStatus {
    if (tmpl.suspend!.duration === undefined) return node;
    const { hooks } = this.ctx;
    const due = Date.parse(node.startedAt) + (parseSeconds(tmpl.suspend!.duration) * 1000) / hooks.speed;
    if (hooks.now() >= due) return this.nodes.finish(node, 'Succeeded');
    hooks.wakeAt(due);
    return node;
  }

  /** A Pod node: its pod is asked for once, again each pass while the API server refuses it transiently. */
  private execPod(
    nodeName: string,
    tmpl: Template,
    scope: Scope,
    attempt: number,
    existing: NodeStatus | undefined,
    base: Base,
  ): NodeStatus | undefined {
    const { hooks, state } = this.ctx;
    const nid = this.nodes.idOf(nodeName);
    if (existing && !state.refused.has(nid)) return existing;
    const ok = hooks.createPod({ nodeId: nid, nodeName, template: tmpl, scope, attempt });
    if (ok === false) return existing;
    const node = existing ?? this.nodes.create(nodeName, 'Pod', { ...base, progress: '0/1' });
    if (ok === true) {
      state.refused.delete(nid);
      delete node.message;
      return node;
    }
    if (!ok.transient) {
      state.refused.delete(nid);
      return this.nodes.finish(node, 'Error', ok.message);
    }
    state.refused.add(nid);
    node.message = ok.message;
    hooks.wakeAt(hooks.now() + REQUEUE_MS / hooks.speed);
    return node;
  }

  runStep({ step, childBase, scope, boundaryID, group, taskGroup }: StepCall): Array<NodeStatus | undefined> {
    let items: unknown[] | null;
    try {
      items = expandItems(step, scope);
    } catch (e) {
      return [this.nodes.error(childBase, boundaryID, step.name, (e as Error).message)];
    }
    if (items === null) return [this.runOne(step, childBase, step.name, scope, boundaryID)];
    const out = items.map((item, j) => {
      const label = `(${j}:${itemLabel(item)})`;
      const n = this.runOne(
        step,
        `${childBase}${label}`,
        `${step.name}${label}`,
        { ...scope, ...itemScope(item) },
        boundaryID,
      );
      if (n && taskGroup) this.nodes.link(taskGroup, n.id);
      return n;
    });
    if (group && !taskGroup) for (const n of out) if (n) this.nodes.link(group, n.id);
    return out;
  }

  /** One node of a step: Skipped when its `when` is false, else its template run. */
  private runOne(step: Step, name: string, display: string, s: Scope, boundaryID: string): NodeStatus | undefined {
    if (step.when) {
      const cond = substitute(step.when, s);
      let ok: boolean;
      try {
        ok = evaluate(cond);
      } catch (e) {
        const message = `failed to evaluate expression: ${(e as ExprError).message}`;
        return this.nodes.error(name, boundaryID, display, message);
      }
      if (!ok) {
        const node = { boundaryID, displayName: display, templateName: step.template };
        return this.nodes.skip(name, node, 'Skipped', `when '${cond}' evaluated false`);
      }
    }
    if (step.templateRef || step.inline) return this.nodes.error(name, boundaryID, display, UNSUPPORTED_REF);
    const args = substituteDeep(step.arguments, s);
    return this.exec({ nodeName: name, template: step.template, args, boundaryID, displayName: display, scope: s });
  }
}
