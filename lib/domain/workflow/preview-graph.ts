// The DAG a Workflow will produce, drawn from its spec before submission. It mirrors the shape of
// status.nodes (argo-workflows workflow/controller dag.go and steps.go): a DAG node's children are
// its root tasks and each task's children its dependents; a Steps node leads to its first
// StepGroup, whose steps lead to the next group. Literal fan-outs (withItems, withSequence, a
// JSON withParam) are expanded; a fan-out known only at run time is one node marked dynamic.
import { parseDependsNames } from './check';
import { itemLabel, itemValue } from './pod-name';
import { createGraphNode, type GraphEdge, type GraphNode, type WorkflowGraph } from './graph-model';
import type { DagTask, Template, TemplateCall, Workflow, WorkflowProblem } from './types';

export interface PreviewGraphOptions {
  /** Stops runaway expansion (a 100k-item literal); the rest is reported as a problem. */
  maxNodes?: number;
}

export interface PreviewGraph {
  graph: WorkflowGraph;
  problems: WorkflowProblem[];
}

interface Expansion {
  id: string;
  /** Nodes whose completion lets the caller's successors start (Argo's outboundNodes). */
  outbound: string[];
}

const DEFAULT_MAX_NODES = 200_000;

export function buildPreviewGraph(workflow: Workflow, options: PreviewGraphOptions = {}): PreviewGraph {
  const builder = new PreviewBuilder(workflow, options.maxNodes ?? DEFAULT_MAX_NODES);
  return builder.build();
}

class PreviewBuilder {
  private readonly nodes: GraphNode[] = [];
  private readonly byId = new Map<string, GraphNode>();
  private readonly edges: GraphEdge[] = [];
  private readonly problems: WorkflowProblem[] = [];
  private readonly templates = new Map<string, Template>();
  private truncated = false;

  constructor(
    private readonly workflow: Workflow,
    private readonly maxNodes: number,
  ) {
    for (const template of workflow.spec?.templates ?? [])
      if (template.name) this.templates.set(template.name, template);
  }

  build(): PreviewGraph {
    const spec = this.workflow.spec ?? {};
    const rootId =
      this.workflow.metadata?.name ?? this.workflow.metadata?.generateName?.replace(/-$/, '') ?? 'workflow';
    if (spec.workflowTemplateRef && !spec.entrypoint) {
      this.addNode(
        { id: rootId, label: rootId, type: 'TemplateRef', templateName: spec.workflowTemplateRef.name ?? null },
        null,
      );
      return this.finish();
    }
    if (!spec.entrypoint) {
      // A template library (WorkflowTemplate without an entrypoint): draw each template on its own.
      for (const name of this.templates.keys()) {
        this.expandCall({ name, template: name }, `${rootId}.${name}`, name, null, null, []);
      }
      return this.finish();
    }
    const root = this.expandCall({ name: rootId, template: spec.entrypoint }, rootId, rootId, null, null, []);
    if (spec.onExit) {
      const exit = this.expandCall(
        { name: 'onExit', template: spec.onExit },
        `${rootId}.onExit`,
        `${rootId}.onExit`,
        null,
        null,
        [],
      );
      this.markExitHandler(exit.id);
      for (const tail of root.outbound) this.edge(tail, exit.id);
    }
    return this.finish();
  }

  private finish(): PreviewGraph {
    if (this.truncated) {
      this.problems.push({ path: '(root)', message: `preview stopped at ${this.maxNodes} nodes` });
    }
    return { graph: { nodes: this.nodes, edges: this.edges }, problems: this.problems };
  }

  private addNode(
    fields: Partial<GraphNode> & Pick<GraphNode, 'id' | 'label' | 'type'>,
    parentId: string | null,
  ): GraphNode {
    const node = createGraphNode({ ...fields, parentId });
    this.nodes.push(node);
    this.byId.set(node.id, node);
    if (this.nodes.length >= this.maxNodes) this.truncated = true;
    return node;
  }

  private edge(from: string, to: string): void {
    this.edges.push({ from, to });
  }

  private markExitHandler(id: string): void {
    const node = this.byId.get(id);
    if (node) node.isExitHandler = true;
  }

  private resolve(call: TemplateCall): Template | null {
    if (call.inline) return call.inline;
    if (call.template) return this.templates.get(call.template) ?? null;
    return null;
  }

  /** Draws one call of a template (a task, a step, the entrypoint) and everything under it. */
  private expandCall(
    call: TemplateCall,
    id: string,
    label: string,
    parentId: string | null,
    boundaryId: string | null,
    stack: string[],
  ): Expansion {
    const template = this.resolve(call);
    const templateName = call.template ?? call.templateRef?.template ?? template?.name ?? null;
    const isRetry = Boolean(template?.retryStrategy ?? call.retryStrategy);
    if (this.truncated) return { id, outbound: [id] };
    if (!template) {
      const type = call.templateRef ? 'TemplateRef' : 'Unknown';
      if (!call.templateRef) this.problems.push({ path: id, message: `template "${call.template ?? ''}" not found` });
      this.addNode({ id, label, type, templateName, boundaryId, isRetry }, parentId);
      return { id, outbound: [id] };
    }
    // A template that calls itself (coinflip-recursive) recurses only at run time; draw it once.
    if (template.name && stack.includes(template.name)) {
      this.addNode({ id, label: `${label} (recursive)`, type: 'Recursion', templateName, boundaryId }, parentId);
      return { id, outbound: [id] };
    }
    const inner = template.name ? [...stack, template.name] : stack;
    const parameters = Object.fromEntries(
      (call.arguments?.parameters ?? []).map((p) => [p.name, String(p.value ?? p.default ?? '')]),
    );
    let expansion: Expansion;
    if (template.dag) {
      this.addNode({ id, label, type: 'DAG', templateName, boundaryId, isRetry, parameters }, parentId);
      expansion = this.expandDag(template, id, inner);
    } else if (template.steps) {
      this.addNode({ id, label, type: 'Steps', templateName, boundaryId, isRetry, parameters }, parentId);
      expansion = this.expandSteps(template, id, inner);
    } else {
      this.addNode({ id, label, type: leafType(template), templateName, boundaryId, isRetry, parameters }, parentId);
      for (const [i, container] of (template.containerSet?.containers ?? []).entries()) {
        const childId = `${id}.${container.name ?? i}`;
        this.addNode(
          { id: childId, label: container.name ?? String(i), type: 'Container', templateName, boundaryId: id },
          id,
        );
        this.edge(id, childId);
      }
      expansion = { id, outbound: [id] };
    }
    const exitTemplate = call.onExit ?? call.hooks?.exit?.template;
    if (exitTemplate) {
      const exit = this.expandCall(
        { name: 'onExit', template: exitTemplate },
        `${id}.onExit`,
        `${label}.onExit`,
        id,
        boundaryId,
        inner,
      );
      this.markExitHandler(exit.id);
      this.edge(id, exit.id);
    }
    return expansion;
  }

  private expandDag(template: Template, dagId: string, stack: string[]): Expansion {
    const tasks = template.dag?.tasks ?? [];
    const byName = new Map(tasks.map((t) => [t.name, t]));
    const expanded = new Map<string, Expansion>();
    const dependents = new Set<string>();
    for (const task of tasks) for (const dep of listDependencies(task)) dependents.add(dep);

    const visit = (task: DagTask, path: string[]): Expansion => {
      const done = expanded.get(task.name);
      if (done) return done;
      if (path.includes(task.name)) {
        this.problems.push({ path: dagId, message: `dependency cycle through task "${task.name}"` });
        return { id: `${dagId}.${task.name}`, outbound: [] };
      }
      const deps = listDependencies(task)
        .map((name) => byName.get(name))
        .filter((t): t is DagTask => t !== undefined)
        .map((t) => visit(t, [...path, task.name]));
      const expansion = this.expandFanOut(task, `${dagId}.${task.name}`, task.name, dagId, stack, true);
      const heads = expansion.heads;
      if (deps.length === 0) for (const head of heads) this.edge(dagId, head);
      for (const dep of deps) for (const tail of dep.outbound) for (const head of heads) this.edge(tail, head);
      const result = { id: expansion.id, outbound: expansion.outbound };
      expanded.set(task.name, result);
      return result;
    };
    for (const task of tasks) visit(task, []);

    const targets = template.dag?.target?.split(/[\s,]+/).filter(Boolean);
    const leaves = targets?.length ? targets : tasks.filter((t) => !dependents.has(t.name)).map((t) => t.name);
    const outbound = leaves.flatMap((name) => expanded.get(name)?.outbound ?? []);
    return { id: dagId, outbound: outbound.length > 0 ? outbound : [dagId] };
  }

  private expandSteps(template: Template, stepsId: string, stack: string[]): Expansion {
    let previous = [stepsId];
    for (const [index, group] of (template.steps ?? []).entries()) {
      const groupId = `${stepsId}[${index}]`;
      this.addNode({ id: groupId, label: `[${index}]`, type: 'StepGroup', boundaryId: stepsId }, stepsId);
      for (const tail of previous) this.edge(tail, groupId);
      const outbound: string[] = [];
      for (const step of Array.isArray(group) ? group : []) {
        const expansion = this.expandFanOut(step, `${groupId}.${step.name}`, step.name, stepsId, stack, false, groupId);
        for (const head of expansion.heads) this.edge(groupId, head);
        outbound.push(...expansion.outbound);
      }
      // Argo's next group follows every step of this one; an empty group still passes through.
      previous = outbound.length > 0 ? outbound : [groupId];
    }
    return { id: stepsId, outbound: previous };
  }

  /**
   * One call site, fanned out over its items. In a DAG the instances sit under a TaskGroup node as
   * Argo does; in steps they sit directly in the step group.
   */
  private expandFanOut(
    call: TemplateCall,
    id: string,
    label: string,
    boundaryId: string,
    stack: string[],
    grouped: boolean,
    parentId: string = boundaryId,
  ): { id: string; heads: string[]; outbound: string[] } {
    const items = listLiteralItems(call);
    if (items === null) {
      const dynamic = Boolean(call.withParam || call.withItems || call.withSequence);
      const expansion = this.expandCall(
        call,
        dynamic ? `${id}(*)` : id,
        dynamic ? `${label}(*)` : label,
        parentId,
        boundaryId,
        stack,
      );
      if (dynamic) {
        const node = this.byId.get(expansion.id);
        if (node) node.isDynamicFanOut = true;
      }
      return { id: expansion.id, heads: [expansion.id], outbound: expansion.outbound };
    }
    const groupId = grouped ? id : null;
    if (groupId)
      this.addNode(
        { id: groupId, label, type: 'TaskGroup', templateName: call.template ?? null, boundaryId },
        parentId,
      );
    const heads: string[] = [];
    const outbound: string[] = [];
    for (const [index, item] of items.entries()) {
      if (this.truncated) break;
      const name = `${label}(${index}:${itemLabel(item)})`;
      const instance = this.expandCall(
        substituteItem(call, item),
        `${id}(${index})`,
        name,
        groupId ?? parentId,
        boundaryId,
        stack,
      );
      const node = this.byId.get(instance.id);
      if (node) node.parameters = { ...node.parameters, ...itemParameters(item) };
      if (groupId) this.edge(groupId, instance.id);
      heads.push(instance.id);
      outbound.push(...instance.outbound);
    }
    if (groupId) return { id: groupId, heads: [groupId], outbound: outbound.length > 0 ? outbound : [groupId] };
    return { id, heads, outbound };
  }
}

function leafType(template: Template): string {
  if (template.suspend) return 'Suspend';
  if (template.http) return 'HTTP';
  if (template.plugin) return 'Plugin';
  return 'Pod';
}

function listDependencies(task: DagTask): string[] {
  return [...(task.dependencies ?? []), ...parseDependsNames(task.depends)];
}

/** The items of a literal fan-out, or null when there is none or it is known only at run time. */
export function listLiteralItems(call: TemplateCall): unknown[] | null {
  if (Array.isArray(call.withItems)) return call.withItems;
  if (typeof call.withParam === 'string' && !call.withParam.includes('{{')) {
    try {
      const parsed: unknown = JSON.parse(call.withParam);
      return Array.isArray(parsed) ? parsed : null;
    } catch {
      return null;
    }
  }
  const sequence = call.withSequence;
  if (sequence) {
    const start = toInteger(sequence.start ?? 0);
    const count = sequence.count === undefined ? null : toInteger(sequence.count);
    const end = sequence.end === undefined ? null : toInteger(sequence.end);
    if (start === null) return null;
    if (count !== null) return Array.from({ length: count }, (_, i) => formatSequence(start + i, sequence.format));
    if (end !== null) {
      const step = end >= start ? 1 : -1;
      return Array.from({ length: Math.abs(end - start) + 1 }, (_, i) =>
        formatSequence(start + i * step, sequence.format),
      );
    }
  }
  return null;
}

function toInteger(value: string | number): number | null {
  const number = typeof value === 'number' ? value : /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
  return Number.isInteger(number) ? number : null;
}

function formatSequence(value: number, format: string | undefined): string {
  // Argo formats with Go's fmt; the common %d/%02d cases are enough for labels.
  const match = format ? /%0?(\d*)d/.exec(format) : null;
  if (!format || !match) return String(value);
  return format.replace(match[0], String(value).padStart(Number(match[1] || 0), '0'));
}

function itemParameters(item: unknown): Record<string, string> {
  if (item !== null && typeof item === 'object' && !Array.isArray(item)) {
    return Object.fromEntries(Object.entries(item).map(([k, v]) => [k, itemValue(v)]));
  }
  return { item: itemValue(item) };
}

/** Fills `{{item}}` / `{{item.key}}` in the call's arguments, as Argo does per instance. */
function substituteItem(call: TemplateCall, item: unknown): TemplateCall {
  const parameters = call.arguments?.parameters;
  if (!parameters) return call;
  const fill = (text: string) =>
    text.replace(/\{\{\s*item(?:\.([\w-]+))?\s*\}\}/g, (whole, key?: string) => {
      if (!key) return itemValue(item);
      if (item !== null && typeof item === 'object' && key in item)
        return itemValue((item as Record<string, unknown>)[key]);
      return whole;
    });
  return {
    ...call,
    arguments: {
      ...call.arguments,
      parameters: parameters.map((p) => (typeof p.value === 'string' ? { ...p, value: fill(p.value) } : p)),
    },
  };
}
