// Small built-in Workflows for the preview page's "Load example" menu. Inline strings, so the page
// never reads files at run time.
export interface PreviewExample {
  id: string;
  title: string;
  yaml: string;
}

const HEADER = (name: string) => `apiVersion: argoproj.io/v1alpha1
kind: Workflow
metadata:
  generateName: ${name}-
spec:
`;

const ECHO = `    - name: echo
      inputs:
        parameters:
          - name: message
            value: hello
      container:
        image: alpine:3.20
        command: [echo, "{{inputs.parameters.message}}"]
`;

export const PREVIEW_EXAMPLES: PreviewExample[] = [
  {
    id: 'diamond',
    title: 'DAG diamond',
    yaml: `${HEADER('diamond')}  entrypoint: diamond
  templates:
    - name: diamond
      dag:
        tasks:
          - name: A
            template: echo
          - name: B
            depends: A
            template: echo
          - name: C
            depends: A
            template: echo
          - name: D
            depends: B && C
            template: echo
${ECHO}`,
  },
  {
    id: 'sweep',
    title: 'Benchmark sweep (12 configurations)',
    yaml: `${HEADER('sweep')}  entrypoint: sweep
  templates:
    - name: sweep
      dag:
        tasks:
          - name: bench
            template: bench
            arguments:
              parameters:
                - name: model
                  value: "{{item.model}}"
                - name: batch
                  value: "{{item.batch}}"
            withItems:
${['llama-8b', 'mistral-7b', 'qwen-14b']
  .flatMap((model) => [1, 8, 32, 64].map((batch) => `              - { model: ${model}, batch: "${batch}" }`))
  .join('\n')}
          - name: report
            depends: bench
            template: report
    - name: bench
      inputs:
        parameters:
          - name: model
          - name: batch
      container:
        image: ghcr.io/example/bench:1.0
        args: ["--model", "{{inputs.parameters.model}}", "--batch", "{{inputs.parameters.batch}}"]
        resources:
          limits:
            nvidia.com/gpu: 1
    - name: report
      container:
        image: alpine:3.20
        command: [echo, done]
`,
  },
  {
    id: 'steps',
    title: 'Steps with retries and an exit handler',
    yaml: `${HEADER('steps')}  entrypoint: main
  onExit: notify
  templates:
    - name: main
      steps:
        - - name: prepare
            template: flaky
        - - name: train
            template: echo
          - name: evaluate
            template: echo
        - - name: publish
            template: echo
    - name: flaky
      retryStrategy:
        limit: "3"
      container:
        image: alpine:3.20
        command: [sh, -c, "exit $((RANDOM % 2))"]
    - name: notify
      container:
        image: alpine:3.20
        command: [echo, "workflow finished"]
${ECHO}`,
  },
  {
    id: 'nested',
    title: 'Nested DAGs',
    yaml: `${HEADER('nested')}  entrypoint: pipeline
  templates:
    - name: pipeline
      dag:
        tasks:
          - name: ingest
            template: echo
          - name: features
            depends: ingest
            template: stage
          - name: train
            depends: features
            template: stage
    - name: stage
      dag:
        tasks:
          - name: fetch
            template: echo
          - name: transform
            depends: fetch
            template: echo
${ECHO}`,
  },
  {
    id: 'invalid',
    title: 'With problems (unknown template, bad dependency)',
    yaml: `${HEADER('broken')}  entrypoint: main
  templates:
    - name: main
      dag:
        tasks:
          - name: first
            template: does-not-exist
          - name: second
            depends: nowhere
            template: echo
${ECHO}`,
  },
];
