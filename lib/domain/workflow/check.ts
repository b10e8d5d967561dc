// Checks a schema-valid Workflow for what the schema cannot say: names that must refer to
// each other, and Argo's size limit. Mirrors the errors `argo lint` reports for the same mistakes.
import { formatPath } from './problem-path';
import type { DagTask, Template, Workflow, WorkflowProblem } from './types';

/** Argo refuses objects over 1 MB (etcd's request limit is 1.5 MB); Gantry aims well below. */
const WORKFLOW_MAX_BYTES = 1024 * 1024;
export const WORKFLOW_TARGET_BYTES = 512 * 1024;

export function measureWorkflowBytes(workflow: unknown): number {
  return new TextEncoder().encode(JSON.stringify(workflow)).length;
}

export function checkWorkflowReferences(workflow: Workflow): WorkflowProblem[] {
  const problems: WorkflowProblem[] = [];
  const add = (path: Array<string | number>, message: string) => problems.push({ path: formatPath(path), message });
  const spec = workflow.spec ?? {};
  const templates = spec.templates ?? [];
  const names = new Set<string>();
  templates.forEach((t, i) => {
    if (!t.name) return;
    if (names.has(t.name)) add(['spec', 'templates', i, 'name'], `duplicate template name "${t.name}"`);
    names.add(t.name);
  });
  const usesRef = Boolean(spec.workflowTemplateRef);
  if (!usesRef) {
    if (!spec.entrypoint) add(['spec', 'entrypoint'], 'is required (or use workflowTemplateRef)');
    else if (!names.has(spec.entrypoint)) add(['spec', 'entrypoint'], `names no template: "${spec.entrypoint}"`);
  }
  if (spec.onExit && !usesRef && !names.has(spec.onExit))
    add(['spec', 'onExit'], `names no template: "${spec.onExit}"`);

  const checkCall = (
    call: { template?: string; templateRef?: unknown; inline?: unknown },
    path: Array<string | number>,
  ) => {
    if (call.template !== undefined && !usesRef && !names.has(call.template)) {
      add([...path, 'template'], `names no template: "${call.template}"`);
    }
    if (call.template === undefined && !call.templateRef && !call.inline) {
      add(path, 'needs template, templateRef or inline');
    }
  };
  templates.forEach((t: Template, ti) => {
    const tasks = t.dag?.tasks ?? [];
    const taskNames = new Set(tasks.map((task) => task.name));
    tasks.forEach((task: DagTask, i) => {
      const path = ['spec', 'templates', ti, 'dag', 'tasks', i];
      checkCall(task, path);
      for (const dep of task.dependencies ?? []) {
        if (!taskNames.has(dep)) add([...path, 'dependencies'], `names no task in this DAG: "${dep}"`);
      }
      for (const dep of parseDependsNames(task.depends)) {
        if (!taskNames.has(dep)) add([...path, 'depends'], `names no task in this DAG: "${dep}"`);
      }
    });
    (t.steps ?? []).forEach((group, gi) => {
      if (!Array.isArray(group)) return;
      group.forEach((step, si) => checkCall(step, ['spec', 'templates', ti, 'steps', gi, si]));
    });
  });

  const bytes = measureWorkflowBytes(workflow);
  if (bytes > WORKFLOW_MAX_BYTES) {
    add([], `is ${bytes} bytes; Argo refuses workflows over ${WORKFLOW_MAX_BYTES} bytes`);
  }
  return problems;
}

/** Task names in an Argo `depends` expression, e.g. `(A.Succeeded || B) && !C.Failed` -> A, B, C. */
export function parseDependsNames(depends: string | undefined): string[] {
  if (!depends) return [];
  const names = new Set<string>();
  for (const match of depends.matchAll(/[A-Za-z0-9_-]+(?:\.[A-Za-z]+)?/g)) {
    names.add(match[0].split('.')[0]);
  }
  return [...names];
}
