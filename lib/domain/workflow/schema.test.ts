import { describe, expect, it } from 'vitest';
import committed from './argo-workflow.schema.json';
import { describeWithReference, referencePath } from '@/lib/testing/reference';
import { parseWorkflowText } from './parse';
import { previewWorkflow } from './preview';
import { compileWorkflowValidator, validateWorkflow } from './schema';
import { loadArgoSchema } from './schema-loader';
import { extractWorkflowSchema } from './schema-subset';
import { listReferenceFiles, readReferenceDocuments } from './reference-files.test-helpers';
import { USER_WORKFLOW_YAML } from './test-jobs';

describeWithReference('committed schema subset', () => {
  const full = loadArgoSchema(referencePath('argo/schema/jsonschema.schema.json'));

  it('is what scripts/generate-argo-schema.ts makes from the reference schema', () => {
    expect(extractWorkflowSchema(full)).toEqual(committed);
  });

  const workflows = listReferenceFiles('argo/examples').flatMap((file) =>
    readReferenceDocuments('argo/examples', file)
      .filter((d) => (d as { kind?: string } | null)?.kind === 'Workflow')
      .map((d) => [file, d] as const),
  );
  it('covers the 135 example Workflows', () => expect(workflows).toHaveLength(135));
  it.each(workflows)('accepts %s', (_, workflow) => {
    expect(validateWorkflow(workflow)).toEqual([]);
  });

  it('agrees with the full schema apart from int-or-string fields', () => {
    const strict = compileWorkflowValidator(full);
    const disagreements = workflows.filter(([, w]) => strict(w).length > 0).map(([file]) => file);
    // The full schema types IntOrString as string only; Kubernetes and Argo accept `port: 80`.
    expect(disagreements.length).toBeLessThanOrEqual(7);
    for (const [file, w] of workflows.filter(([f]) => disagreements.includes(f))) {
      expect(
        strict(w).every((p) => /port$/.test(p.path)),
        file,
      ).toBe(true);
    }
  });
});

describe('validateWorkflow', () => {
  const minimal = () => ({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { name: 'x' },
    spec: { entrypoint: 'main', templates: [{ name: 'main', container: { image: 'busybox' } }] },
  });

  it('accepts a minimal workflow', () => expect(validateWorkflow(minimal())).toEqual([]));

  it('names the path of each schema problem', () => {
    const { metadata: _metadata, ...wf } = minimal();
    const broken = {
      ...wf,
      spec: { ...wf.spec, templates: [{ name: 'main', container: { image: 5 } }], parallelism: 'many' },
    };
    expect(validateWorkflow(broken)).toEqual(
      expect.arrayContaining([
        { path: 'metadata', message: "must have required property 'metadata'" },
        { path: 'spec.templates[0].container.image', message: 'must be string' },
        { path: 'spec.parallelism', message: 'must be integer' },
      ]),
    );
  });

  it('finds references the schema cannot check', () => {
    const wf = minimal();
    const dag = { name: 'd', dag: { tasks: [{ name: 'a', template: 'missing', depends: 'b.Succeeded' }] } };
    const broken = { ...wf, spec: { entrypoint: 'nope', templates: [...wf.spec.templates, dag] } };
    expect(validateWorkflow(broken)).toEqual([
      { path: 'spec.entrypoint', message: 'names no template: "nope"' },
      { path: 'spec.templates[1].dag.tasks[0].template', message: 'names no template: "missing"' },
      { path: 'spec.templates[1].dag.tasks[0].depends', message: 'names no task in this DAG: "b"' },
    ]);
  });

  it('refuses objects over 1 MB', () => {
    const wf = minimal();
    const big = { ...wf, metadata: { ...wf.metadata, annotations: { big: 'x'.repeat(1_100_000) } } };
    expect(validateWorkflow(big)[0].message).toMatch(/over 1048576 bytes/);
  });
});

describe('parseWorkflowText and previewWorkflow', () => {
  it('reports YAML errors with a line and column', () => {
    const { workflow, problems } = parseWorkflowText('kind: Workflow\nspec: [unclosed');
    expect(workflow).toBeNull();
    expect(problems[0].path).toMatch(/^line \d+, column \d+$/);
  });

  it('accepts JSON, refuses other kinds and multiple documents', () => {
    expect(
      parseWorkflowText(
        JSON.stringify({
          kind: 'Workflow',
          apiVersion: 'argoproj.io/v1alpha1',
          metadata: {},
          spec: { entrypoint: 'a', templates: [{ name: 'a', suspend: {} }] },
        }),
      ).problems,
    ).toEqual([]);
    expect(parseWorkflowText('kind: Pod').problems[0]).toEqual({
      path: 'kind',
      message: 'must be "Workflow", got "Pod"',
    });
    expect(parseWorkflowText('kind: Workflow\n---\nkind: Workflow').problems[0].message).toMatch(/2 documents/);
  });

  it('accepts the flow-indentation Go tolerates (Argo examples/ci.yaml style)', () => {
    const text =
      'apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata: {name: x}\nspec:\n  entrypoint: a\n  templates:\n  - name: a\n    container:\n      image: busybox\n      args: ["\n        echo hi\n      "]\n';
    const { workflow, problems } = parseWorkflowText(text);
    expect(problems).toEqual([]);
    expect(workflow!.spec.templates![0].container!.args).toEqual([' echo hi ']);
  });

  it('previews a user workflow: graph plus problems', () => {
    const preview = previewWorkflow(USER_WORKFLOW_YAML);
    expect(preview.problems).toEqual([]);
    expect(preview.nodes.map((n) => n.label)).toEqual(['my-pipeline', 'fetch', 'train']);
    expect(preview.edges).toHaveLength(2);
    const broken = previewWorkflow(USER_WORKFLOW_YAML.replace('template: fetch', 'template: fetchh'));
    expect(broken.problems.map((p) => p.path)).toContain('spec.templates[0].dag.tasks[0].template');
    expect(broken.nodes.length).toBeGreaterThan(0);
  });
});
