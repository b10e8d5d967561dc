// The nodes of a workflow's status as the operator creates, links and closes them, with Argo's ids
// (`<workflow>-<fnv32a(name)>`) and its rules for node phases.
import { workflowNodeId } from '@/lib/domain/workflow/pod-name';
import { timestamp } from '../time';
import type { OperatorContext } from './operator-context';
import type { NodeStatus, NodeType } from './types';

export class NodeBook {
  constructor(private readonly ctx: OperatorContext) {}

  idOf(name: string): string {
    return workflowNodeId(this.ctx.wf.metadata.name, name);
  }

  get(name: string): NodeStatus | undefined {
    return this.ctx.nodes[this.idOf(name)];
  }

  byId(id: string): NodeStatus | undefined {
    return this.ctx.nodes[id];
  }

  now(): string {
    return timestamp(this.ctx.hooks.now());
  }

  /** Adds a child to a node's children once (a later pass does not add it again). */
  link(parent: NodeStatus, childId: string): void {
    const key = `${parent.id}>${childId}`;
    if (this.ctx.state.linked.has(key)) return;
    this.ctx.state.linked.add(key);
    if (!(parent.children ??= []).includes(childId)) parent.children.push(childId);
  }

  /** A new node, Pending for a pod and Running for the nodes that only group others. */
  create(name: string, type: NodeType, extra: Partial<NodeStatus>): NodeStatus {
    const id = this.idOf(name);
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

  finish(node: NodeStatus, phase: NodeStatus['phase'], message?: string): NodeStatus {
    node.phase = phase;
    node.finishedAt = this.now();
    if (message) node.message = message;
    return node;
  }

  /** A node that ends in Error at once (a template that cannot run), or the one already recorded. */
  error(name: string, boundaryID: string | undefined, displayName: string, message: string, templateName?: string) {
    return (
      this.get(name) ??
      this.finish(
        this.create(name, 'Skipped', { boundaryID, displayName, templateName, phase: 'Error' }),
        'Error',
        message,
      )
    );
  }

  /** A node that does not run (a `when` that is false: Skipped; a `depends` not met: Omitted). */
  skip(
    name: string,
    node: { boundaryID: string; displayName: string; templateName?: string },
    phase: 'Skipped' | 'Omitted',
    message: string,
  ): NodeStatus {
    return this.get(name) ?? this.finish(this.create(name, 'Skipped', { ...node, phase }), phase, message);
  }
}
