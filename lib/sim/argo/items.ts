// What the operator reads out of a template besides its structure: the items a step fans out over
// (withItems, withParam, withSequence) and how they are named and scoped, durations, and the
// variables a finished node gives the steps after it.
import { itemValue } from '@/lib/domain/workflow/pod-name';
import { substitute, substituteDeep, type Scope } from './expr';
import { isFailure, type NodeStatus, type Step, type Template } from './types';

/** A structural error of the workflow the operator found while walking it (ends the node in Error). */
export class OperatorError extends Error {}

/** A duration of a template field: seconds as a number, or `30s`, `5m`, `1h`, `250ms`. */
export function parseSeconds(d: string | number | undefined): number {
  if (d === undefined) return 0;
  if (typeof d === 'number') return d;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(d.trim());
  if (!m) return Number(d) || 0;
  const mult = { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] ?? 's']!;
  return Number(m[1]) * mult;
}

/** `{{item}}`, and `{{item.<key>}}` for a map item. */
export function itemScope(item: unknown): Scope {
  const s: Scope = { item: itemValue(item) };
  if (item && typeof item === 'object' && !Array.isArray(item)) {
    for (const [k, v] of Object.entries(item)) s[`item.${k}`] = itemValue(v);
  }
  return s;
}

export const fansOut = (step: Step) => Boolean(step.withItems || step.withParam || step.withSequence);

/** The items a withItems/withParam/withSequence step fans out over, or null when it does not. */
export function expandItems(step: Step, scope: Scope): unknown[] | null {
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

/** `steps.<name>.*` / `tasks.<name>.*`: what a finished node gives the steps after it. */
export function outputsScope(prefix: string, node: NodeStatus | undefined, scope: Scope): void {
  if (!node) return;
  scope[`${prefix}.id`] = node.id;
  scope[`${prefix}.status`] = node.phase;
  scope[`${prefix}.startedAt`] = node.startedAt;
  if (node.finishedAt) scope[`${prefix}.finishedAt`] = node.finishedAt;
  if (node.outputs?.result !== undefined) scope[`${prefix}.outputs.result`] = node.outputs.result;
  if (node.outputs?.exitCode !== undefined) scope[`${prefix}.exitCode`] = node.outputs.exitCode;
  for (const p of node.outputs?.parameters ?? []) scope[`${prefix}.outputs.parameters.${p.name}`] = p.value;
}

/** A steps or DAG template's output parameters, from the scope its children left. */
export function templateOutputs(tmpl: Template, scope: Scope): NodeStatus['outputs'] | undefined {
  const params = (tmpl.outputs?.parameters ?? []).map((p) => ({
    name: p.name,
    value: substitute(p.valueFrom?.parameter ?? p.value ?? p.valueFrom?.default ?? '', scope),
  }));
  return params.length ? { parameters: params } : undefined;
}

/** Whether a failed child fails its parent, or the step lets it go (continueOn). */
export function failsParent(step: Step, node: NodeStatus): boolean {
  return isFailure(node.phase) && !(node.phase === 'Failed' ? step.continueOn?.failed : step.continueOn?.error);
}
