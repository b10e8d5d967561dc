import { describe, expect, it } from 'vitest';
import { EMPTY_FORM, fromPrefill, toBody } from './submit-form-model';

const body = {
  name: 'resnet50-lr-sweep',
  kind: 'training',
  team: 'vision',
  priority: 'high',
  gpu: { kind: 'a100-80gb-shared', count: 2 },
  expectedRuntimeSeconds: 3600,
  maxRuntimeSeconds: 14400,
  spec: { image: 'ghcr.io/acme/train:1.4', command: ['python', 'train.py'], args: ['--lr', '3e-4'] },
};

describe('submit form model', () => {
  it('round-trips a ?prefill= body through the form', () => {
    const form = { ...EMPTY_FORM, ...fromPrefill(JSON.stringify(body)) };
    expect(toBody(form)).toEqual(body);
  });

  it('ignores malformed prefill and keeps other kinds’ specs as text', () => {
    expect(fromPrefill('{not json')).toEqual({});
    expect(fromPrefill(null)).toEqual({});
    const wf = fromPrefill(JSON.stringify({ kind: 'workflow', spec: { yaml: 'kind: Workflow' } }));
    expect(wf).toMatchObject({ kind: 'workflow', specText: 'kind: Workflow' });
    const emb = fromPrefill(JSON.stringify({ kind: 'embedding', spec: { documents: 10 } }));
    expect(JSON.parse(emb.specText!)).toEqual({ documents: 10 });
    expect(toBody({ ...EMPTY_FORM, ...emb }).spec).toEqual({ documents: 10 });
  });
});
