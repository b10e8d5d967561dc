// What the simulated controller needs for workflows of workflows: a Workflow's spec joined with the
// WorkflowTemplate it refers to (`spec.workflowTemplateRef`, as Argo's `wfutil.JoinWorkflowSpec`),
// and the `resource` template's manifest and success/failure conditions (as `argoexec resource`).
import YAML from 'yaml';
import { splitTop } from '../selectors';

export type ResourceAction = {
  action: string;
  manifest: string;
  setOwnerReference?: boolean;
  successCondition?: string;
  failureCondition?: string;
};

export function readResourceAction(resource: unknown): ResourceAction | undefined {
  const r = resource as Partial<ResourceAction> | undefined;
  if (!r || typeof r !== 'object' || typeof r.action !== 'string') return undefined;
  return {
    action: r.action,
    manifest: String(r.manifest ?? ''),
    setOwnerReference: Boolean(r.setOwnerReference),
    successCondition: r.successCondition,
    failureCondition: r.failureCondition,
  };
}

/** A manifest is YAML (JSON is YAML too); anything but one object is refused, as kubectl would. */
export function parseManifest(text: string): Record<string, unknown> {
  const v: unknown = YAML.parse(text);
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('the manifest is not an object');
  return v as Record<string, unknown>;
}

/**
 * The workflow's own spec over the template's: fields the workflow sets win, and arguments
 * parameters are joined by name (the workflow's values replace the template's defaults).
 */
export function joinWorkflowSpec(
  template: Record<string, unknown>,
  workflow: Record<string, unknown>,
): Record<string, unknown> {
  type Params = { parameters?: Array<{ name: string }> };
  const joined: Record<string, unknown> = { ...template, ...workflow };
  const mine = (workflow.arguments as Params | undefined)?.parameters ?? [];
  const theirs = (template.arguments as Params | undefined)?.parameters ?? [];
  if (mine.length || theirs.length) {
    const names = new Set(mine.map((p) => p.name));
    joined.arguments = {
      ...(template.arguments as object),
      ...(workflow.arguments as object),
      parameters: [...theirs.filter((p) => !names.has(p.name)), ...mine],
    };
  }
  return joined;
}

type RunnableWorkflow = { spec: Record<string, unknown>; status: Record<string, unknown> };

/**
 * spec.workflowTemplateRef: the template's spec is joined under the workflow's once and kept in
 * status.storedWorkflowTemplateSpec (as Argo does: a later edit of the template does not change a
 * running workflow). Returns Argo's error when the template does not exist.
 */
export function resolveTemplateRef(
  wf: RunnableWorkflow,
  findTemplate: (name: string) => Record<string, unknown> | undefined,
): string | undefined {
  const ref = wf.spec.workflowTemplateRef as { name?: string } | undefined;
  if (!ref?.name) return undefined;
  let stored = wf.status.storedWorkflowTemplateSpec as Record<string, unknown> | undefined;
  if (!stored) {
    const template = findTemplate(ref.name);
    if (!template) return `workflowtemplates.argoproj.io "${ref.name}" not found`;
    stored = joinWorkflowSpec((template.spec ?? {}) as Record<string, unknown>, wf.spec);
    wf.status.storedWorkflowTemplateSpec = stored;
  }
  // the workflow's own fields still win: a later `shutdown` patch must stop it
  wf.spec = joinWorkflowSpec(stored, wf.spec);
  return undefined;
}

/**
 * A resource condition as argoexec reads it: comma-separated requirements `path op value` over the
 * object's JSON (ops `==`, `=`, `!=`, `in (a, b)`, `notin (a, b)`, `<`, `>`), all of which must hold.
 * An absent path matches nothing but `!=` and `notin`.
 */
export function matchesCondition(condition: string, obj: unknown): boolean {
  return splitTop(condition)
    .filter((req) => req.trim())
    .every((req) => {
      const m = /^([\w.\-[\]]+)\s*(==|=|!=|<|>|\s+notin\s+|\s+in\s+)\s*(.*)$/.exec(req.trim());
      if (!m) throw new Error(`unparsable condition '${req.trim()}'`);
      const value = lookup(obj, m[1]);
      const op = m[2].trim();
      const want = m[3].trim();
      const text = value === undefined || value === null ? undefined : String(value);
      if (op === 'in' || op === 'notin') {
        const set = want
          .replace(/^\(|\)$/g, '')
          .split(',')
          .map((s) => s.trim());
        return op === 'in' ? text !== undefined && set.includes(text) : text === undefined || !set.includes(text);
      }
      if (op === '!=') return text !== want;
      if (op === '<' || op === '>')
        return text !== undefined && (op === '<' ? Number(text) < Number(want) : Number(text) > Number(want));
      return text === want;
    });
}

function lookup(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const key of path.split('.')) {
    if (!cur || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}
