import { describe, expect, it } from 'vitest';
import { joinWorkflowSpec, matchesCondition, parseManifest } from './resource';

describe('resource conditions', () => {
  const wf = { status: { phase: 'Failed', progress: '3/4' }, metadata: { labels: { a: 'b' } } };
  it('reads requirements over JSON paths as argoexec does', () => {
    expect(matchesCondition('status.phase == Succeeded', wf)).toBe(false);
    expect(matchesCondition('status.phase in (Failed, Error)', wf)).toBe(true);
    expect(matchesCondition('status.phase notin (Failed, Error)', wf)).toBe(false);
    expect(matchesCondition('status.phase != Running, metadata.labels.a = b', wf)).toBe(true);
    expect(matchesCondition('status.missing == x', wf)).toBe(false);
    expect(matchesCondition('status.missing != x', wf)).toBe(true);
    expect(() => matchesCondition('status.phase ~ x', wf)).toThrow(/unparsable/);
  });
});

describe('a workflow joined with its WorkflowTemplate', () => {
  it("keeps the workflow's fields and joins argument parameters by name", () => {
    const template = {
      entrypoint: 'part',
      parallelism: 4,
      arguments: {
        parameters: [
          { name: 'part', value: '0' },
          { name: 'size', value: '5' },
        ],
      },
      templates: [{ name: 'part' }],
    };
    const workflow = {
      workflowTemplateRef: { name: 't' },
      shutdown: 'Terminate',
      arguments: { parameters: [{ name: 'part', value: '3' }] },
    };
    expect(joinWorkflowSpec(template, workflow)).toEqual({
      entrypoint: 'part',
      parallelism: 4,
      templates: [{ name: 'part' }],
      workflowTemplateRef: { name: 't' },
      shutdown: 'Terminate',
      arguments: {
        parameters: [
          { name: 'size', value: '5' },
          { name: 'part', value: '3' },
        ],
      },
    });
  });

  it('parses JSON or YAML manifests and refuses anything but an object', () => {
    expect(parseManifest('{"kind": "Workflow"}')).toEqual({ kind: 'Workflow' });
    expect(parseManifest('kind: Workflow\nmetadata:\n  name: x\n')).toEqual({
      kind: 'Workflow',
      metadata: { name: 'x' },
    });
    expect(() => parseManifest('- a')).toThrow(/not an object/);
  });
});
