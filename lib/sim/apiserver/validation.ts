// What the API server checks of an object before it stores it: names and labels (apimachinery's
// validation), and for Workflows and WorkflowTemplates the structural schema of their CRD.
import type { KObject } from '../store';
import type { Cause } from './errors';
import type { ResourceDef } from './resources';

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

const required = (field: string, message = 'Required value'): Cause => ({
  reason: 'FieldValueRequired',
  message,
  field,
});
const invalidValue = (field: string, message: string): Cause => ({ reason: 'FieldValueInvalid', message, field });

/** Object-level validation the API server does before storing (metadata, and the Workflow CRD's structural schema). */
export function validate(r: ResourceDef, obj: KObject): Cause[] {
  const causes = [...validateName(r, obj.metadata?.name), ...validateLabels(obj.metadata?.labels)];
  if (r.resource === 'workflows' || r.resource === 'workflowtemplates') causes.push(...validateWorkflowSpec(obj.spec));
  return causes;
}

function validateName(r: ResourceDef, name: string | undefined): Cause[] {
  if (!name) return [required('metadata.name', 'Required value: name or generateName is required')];
  const label = r.resource === 'namespaces';
  if ((label ? DNS_LABEL : DNS_SUBDOMAIN).test(name) && name.length <= (label ? 63 : 253)) return [];
  return [
    invalidValue(
      'metadata.name',
      `Invalid value: "${name}": a lowercase RFC 1123 ${label ? 'label' : 'subdomain'} must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character`,
    ),
  ];
}

function validateLabels(labels: Record<string, string> | undefined): Cause[] {
  const causes: Cause[] = [];
  for (const [k, v] of Object.entries(labels ?? {})) {
    if (!LABEL_KEY.test(k) || k.split('/').pop()!.length > 63)
      causes.push(
        invalidValue(
          'metadata.labels',
          `Invalid value: "${k}": name part must consist of alphanumeric characters, '-', '_' or '.'`,
        ),
      );
    if (typeof v !== 'string' || !LABEL_VALUE.test(v) || v.length > 63)
      causes.push(
        invalidValue(
          'metadata.labels',
          `Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
        ),
      );
  }
  return causes;
}

/** A wrong type where the CRD's schema names one, as the API server's structural schema check words it. */
function typeInvalid(field: string, value: unknown, type: string): Cause {
  return {
    reason: 'FieldValueTypeInvalid',
    message: `Invalid value: "${typeof value}": ${field} in body must be of type ${type}: "${typeof value}"`,
    field,
  };
}

function validateWorkflowSpec(value: unknown): Cause[] {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return [required('spec')];
  const spec = value as Record<string, unknown>;
  const causes: Cause[] = [];
  if (spec.templates !== undefined && !Array.isArray(spec.templates))
    causes.push(typeInvalid('spec.templates', spec.templates, 'array'));
  if (spec.entrypoint !== undefined && typeof spec.entrypoint !== 'string')
    causes.push(typeInvalid('spec.entrypoint', spec.entrypoint, 'string'));
  (Array.isArray(spec.templates) ? spec.templates : []).forEach((t: unknown, i: number) => {
    if (!t || typeof t !== 'object' || typeof (t as { name?: unknown }).name !== 'string')
      causes.push(required(`spec.templates[${i}].name`));
  });
  if (spec.shutdown !== undefined && !['Terminate', 'Stop', ''].includes(String(spec.shutdown))) {
    causes.push({
      reason: 'FieldValueNotSupported',
      message: `Unsupported value: "${spec.shutdown}": supported values: "Terminate", "Stop"`,
      field: 'spec.shutdown',
    });
  }
  return causes;
}
