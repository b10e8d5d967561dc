// Validates Workflow objects against Argo's JSON schema with ajv, a maintained JSON-schema
// validator, before anything is submitted. By default it uses the committed subset
// (argo-workflow.schema.json, generated from Argo's schema), so a clone without ../shared works;
// callers holding the full schema (schema-loader.ts) can compile that instead.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import committedSchema from './argo-workflow.schema.json';
import { checkWorkflowReferences } from './check';
import { formatPath } from './problem-path';
import { WORKFLOW_DEFINITION, WORKFLOW_TEMPLATE_DEFINITION } from './schema-subset';
import type { WorkflowProblem } from './types';

export type WorkflowValidator = (value: unknown) => WorkflowProblem[];

// ajv-formats is CommonJS; under some loaders the plugin sits on `.default`.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
) => void;
const MAX_PROBLEMS = 50;

/**
 * Compiles a validator once per schema. Accepts either Gantry's subset or Argo's full
 * schema.json (whose root is a oneOf over five kinds, so we point at the Workflow definition).
 */
export function compileWorkflowValidator(schema: Record<string, unknown>): WorkflowValidator {
  // strict: false because Argo's schema carries keywords (x-kubernetes-*) ajv does not know.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addFormat('uint64', /^\d+$/); // used by Argo's schema, not in ajv-formats
  ajv.addSchema(schema, 'argo');
  const validateWorkflowObject: ValidateFunction = ajv.compile({ $ref: `argo#/definitions/${WORKFLOW_DEFINITION}` });
  const validateTemplateObject: ValidateFunction = ajv.compile({
    $ref: `argo#/definitions/${WORKFLOW_TEMPLATE_DEFINITION}`,
  });
  return (value) => {
    const isTemplate = (value as { kind?: unknown } | null)?.kind === 'WorkflowTemplate';
    const validate = isTemplate ? validateTemplateObject : validateWorkflowObject;
    return validate(value) ? [] : toProblems(validate.errors ?? []);
  };
}

let committedValidator: WorkflowValidator | undefined;

/** Schema problems only (committed subset), compiled lazily on first use. Workflow or WorkflowTemplate. */
function validateWorkflowSchema(value: unknown): WorkflowProblem[] {
  committedValidator ??= compileWorkflowValidator(committedSchema);
  return committedValidator(value);
}

/**
 * Everything Gantry checks before submission: the Argo schema, then references the schema
 * cannot express (entrypoint, template names, DAG dependencies) and the size limit.
 */
export function validateWorkflow(
  value: unknown,
  validator: WorkflowValidator = validateWorkflowSchema,
): WorkflowProblem[] {
  const problems = validator(value);
  if (problems.length > 0) return problems;
  return checkWorkflowReferences(value as Parameters<typeof checkWorkflowReferences>[0]);
}

function toProblems(errors: ErrorObject[]): WorkflowProblem[] {
  const seen = new Set<string>();
  const problems: WorkflowProblem[] = [];
  for (const error of errors) {
    // anyOf/oneOf summaries repeat what their branches already said.
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') continue;
    const segments = pointerToSegments(error.instancePath);
    let message = error.message ?? 'is invalid';
    if (error.keyword === 'required') segments.push(String(error.params.missingProperty));
    if (error.keyword === 'additionalProperties') {
      segments.push(String(error.params.additionalProperty));
      message = 'is not a known field';
    }
    if (error.keyword === 'const' || error.keyword === 'enum') {
      message = `${message}: ${JSON.stringify(error.params.allowedValue ?? error.params.allowedValues)}`;
    }
    const problem = { path: formatPath(segments), message };
    const key = `${problem.path}\u0000${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
    if (problems.length >= MAX_PROBLEMS) break;
  }
  return problems;
}

function pointerToSegments(pointer: string): string[] {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}
