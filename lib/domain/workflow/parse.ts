// Reads a user-supplied Workflow (YAML or JSON: JSON is YAML) into an object plus problems,
// never throwing, so the preview can show every problem at once.
import { parseAllDocuments } from 'yaml';
import { repairFlowIndentation } from './yaml-repair';
import { validateWorkflow, type WorkflowValidator } from './schema';
import type { Workflow, WorkflowProblem } from './types';

export interface ParsedWorkflow {
  workflow: Workflow | null;
  problems: WorkflowProblem[];
}

/** All YAML documents, retrying with repairFlowIndentation when the strict parse fails. */
export function parseYamlDocuments(text: string) {
  const strict = parseAllDocuments(text, { prettyErrors: true, logLevel: 'error' });
  const failed = !Array.isArray(strict) || strict.some((d) => d.errors.length > 0);
  if (!failed) return strict;
  const repaired = parseAllDocuments(repairFlowIndentation(text), { prettyErrors: true, logLevel: 'error' });
  return Array.isArray(repaired) && repaired.every((d) => d.errors.length === 0) ? repaired : strict;
}

export function parseWorkflowText(text: string, validator?: WorkflowValidator): ParsedWorkflow {
  const documents = parseYamlDocuments(text);
  if (!Array.isArray(documents)) return { workflow: null, problems: [{ path: '(root)', message: 'is empty' }] };
  const nonEmpty = documents.filter((d) => d.contents !== null || d.errors.length > 0);
  if (nonEmpty.length === 0) return { workflow: null, problems: [{ path: '(root)', message: 'is empty' }] };
  if (nonEmpty.length > 1) {
    return {
      workflow: null,
      problems: [{ path: '(root)', message: `holds ${nonEmpty.length} documents; submit one Workflow` }],
    };
  }
  const [document] = nonEmpty;
  if (document.errors.length > 0) {
    return {
      workflow: null,
      problems: document.errors.map((e) => ({
        path: e.linePos ? `line ${e.linePos[0].line}, column ${e.linePos[0].col}` : '(root)',
        message: e.message.split('\n')[0],
      })),
    };
  }
  const value: unknown = document.toJS({ maxAliasCount: 100 });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { workflow: null, problems: [{ path: '(root)', message: 'must be an object with kind: Workflow' }] };
  }
  const kind = (value as { kind?: unknown }).kind;
  if (kind !== 'Workflow') {
    return {
      workflow: null,
      problems: [{ path: 'kind', message: `must be "Workflow", got ${JSON.stringify(kind ?? null)}` }],
    };
  }
  const problems = validateWorkflow(value, validator);
  return { workflow: value as Workflow, problems };
}
