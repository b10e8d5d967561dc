// A DAG template (Argo's `dag.go`): tasks in dependency order, each run when its `dependencies` or
// enhanced `depends` are met, Omitted when they cannot be; fan-outs under a TaskGroup; failFast stops
// new tasks after a failure nothing handles.
import { dependsTasks, evaluateDepends, type Scope } from './expr';
import { failsParent, fansOut, OperatorError, outputsScope, templateOutputs } from './items';
import type { OperatorState, Walker } from './operator-context';
import { isFulfilled, type DagTask, type NodeStatus, type Template } from './types';

function taskDeps(t: DagTask): string[] {
  if (t.depends) return dependsTasks(t.depends);
  return t.dependencies ?? [];
}

/** The tasks in dependency order (computed once per template); throws on a cycle or an unknown task. */
function topo(state: OperatorState, tmpl: Template): DagTask[] {
  const cached = state.topo.get(tmpl.name);
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
  state.topo.set(tmpl.name, out);
  return out;
}

export function execDag(op: Walker, nodeName: string, tmpl: Template, scope: Scope, node: NodeStatus): NodeStatus {
  if (isFulfilled(node.phase)) return node;
  let order: DagTask[];
  try {
    order = topo(op.ctx.state, tmpl);
  } catch (e) {
    return op.nodes.finish(node, 'Error', (e as Error).message);
  }
  const pass = new DagPass(op, node, nodeName, order, scope, tmpl.dag!.failFast !== false);
  for (const t of order) pass.visit(t);
  return pass.conclude(tmpl);
}

/** One pass over a DAG's tasks: what each task's node is, and whether the DAG can end. */
class DagPass {
  private readonly phase = new Map<string, string>();
  private readonly taskNode = new Map<string, NodeStatus>();
  private readonly groupPhases = new Map<string, string[]>();
  private readonly dagScope: Scope;
  private unhandledFailure: NodeStatus | undefined;
  private running = 0;

  constructor(
    private readonly op: Walker,
    private readonly node: NodeStatus,
    private readonly nodeName: string,
    private readonly order: DagTask[],
    scope: Scope,
    private readonly failFast: boolean,
  ) {
    this.dagScope = { ...scope };
  }

  /** A failure that a later task's `depends` reacts to does not fail the DAG. */
  private handled(name: string): boolean {
    const re = new RegExp(`\\b${name}\\.(Failed|Errored|AllFailed|AnySucceeded)\\b`);
    return this.order.some((t) => t.depends && re.test(t.depends));
  }

  private record(t: DagTask, n: NodeStatus | undefined): void {
    if (!n) {
      this.running++;
      return;
    }
    this.taskNode.set(t.name, n);
    this.phase.set(t.name, n.phase);
    if (!isFulfilled(n.phase)) {
      this.running++;
      return;
    }
    if (!fansOut(t)) outputsScope(`tasks.${t.name}`, n, this.dagScope);
    if (failsParent(t, n) && !this.handled(t.name)) this.unhandledFailure ??= n;
  }

  visit(t: DagTask): void {
    const tName = `${this.nodeName}.${t.name}`;
    const existing = this.op.nodes.get(tName);
    if (existing && isFulfilled(existing.phase)) {
      this.record(t, existing);
      if (fansOut(t))
        this.setGroupResult(
          t,
          (existing.children ?? []).map((c) => this.op.nodes.byId(c)),
        );
      return;
    }
    const deps = taskDeps(t);
    if (deps.some((d) => !isFulfilled(this.phase.get(d)))) return;
    if (!existing && this.unhandledFailure && this.failFast) return;
    let ok: boolean;
    try {
      ok = this.dependsMet(t, deps);
    } catch (e) {
      this.record(t, this.op.nodes.error(tName, this.node.id, t.name, (e as Error).message, t.template));
      return;
    }
    if (!ok) {
      const omitted = { boundaryID: this.node.id, displayName: t.name, templateName: t.template };
      const n = this.op.nodes.skip(tName, omitted, 'Omitted', 'omitted: depends condition not met');
      this.linkParents(n, deps);
      this.record(t, n);
    } else if (!fansOut(t)) {
      const [n] = this.op.runStep({ step: t, childBase: tName, scope: this.dagScope, boundaryID: this.node.id });
      if (n) this.linkParents(n, deps);
      this.record(t, n);
    } else {
      this.record(t, this.runFanOut(t, tName, existing, deps));
    }
  }

  private dependsMet(t: DagTask, deps: string[]): boolean {
    const expr = t.depends ?? deps.join(' && ');
    if (!expr) return true;
    return evaluateDepends(
      expr,
      (n) => this.phase.get(n),
      (n) => this.groupPhases.get(n) ?? [this.phase.get(n) ?? ''],
    );
  }

  private linkParents(n: NodeStatus, deps: string[]): void {
    if (!deps.length) this.op.nodes.link(this.node, n.id);
    for (const d of deps) {
      const dn = this.taskNode.get(d);
      if (dn) this.op.nodes.link(dn, n.id);
    }
  }

  /** A fanned-out task: its items under a TaskGroup node, which ends when they all have. */
  private runFanOut(t: DagTask, tName: string, existing: NodeStatus | undefined, deps: string[]): NodeStatus {
    const tg =
      existing ??
      this.op.nodes.create(tName, 'TaskGroup', {
        boundaryID: this.node.id,
        displayName: t.name,
        templateName: t.template,
      });
    this.linkParents(tg, deps);
    const call = { step: t, childBase: tName, scope: this.dagScope, boundaryID: this.node.id, taskGroup: tg };
    const nodes = this.op.runStep(call);
    this.groupPhases.set(
      t.name,
      nodes.map((n) => n?.phase ?? 'Pending'),
    );
    if (nodes.every((n) => n && isFulfilled(n.phase))) {
      const bad = nodes.find((n) => n && failsParent(t, n));
      this.op.nodes.finish(tg, bad ? 'Failed' : 'Succeeded', bad ? `child '${bad.id}' failed` : undefined);
      this.setGroupResult(t, nodes);
    }
    return tg;
  }

  /** `tasks.<name>.outputs.result` of a fan-out: its items' results as a JSON list. */
  private setGroupResult(t: DagTask, nodes: Array<NodeStatus | undefined>): void {
    this.dagScope[`tasks.${t.name}.outputs.result`] = JSON.stringify(
      nodes.map((n) => n?.outputs?.result).filter((r) => r !== undefined),
    );
  }

  /** The DAG's node once every task is settled: outbound nodes, outputs, Failed or Succeeded. */
  conclude(tmpl: Template): NodeStatus {
    const { node, order } = this;
    if (this.running > 0 || (!this.unhandledFailure && order.some((t) => !isFulfilled(this.phase.get(t.name))))) {
      if (node.phase === 'Pending') node.phase = 'Running';
      return node;
    }
    const dependedOn = new Set(order.flatMap(taskDeps));
    node.outboundNodes = order
      .filter((t) => !dependedOn.has(t.name) && this.taskNode.has(t.name))
      .map((t) => this.taskNode.get(t.name)!.id);
    const outputs = templateOutputs(tmpl, this.dagScope);
    if (outputs) node.outputs = outputs;
    if (this.unhandledFailure)
      return this.op.nodes.finish(node, 'Failed', `child '${this.unhandledFailure.id}' failed`);
    return this.op.nodes.finish(node, 'Succeeded');
  }
}
