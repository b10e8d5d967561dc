// The batch-embedding pipeline: prepare-data (load, split into chunks of N documents, validate),
// one gpu-embedder per chunk (fan-out with a parallelism limit), then merge-results (combine,
// index, check every chunk arrived). The chunk count is known when the job is built, so the fan-out
// is a literal withSequence: the object stays small at any size and the preview can draw it.
import type { EmbeddingJob } from '../job';
import type { Workflow } from '../types';
import {
  assertWorkflowSize,
  capParallelism,
  createWorkflow,
  placeTemplate,
  requestResources,
  toNamedValues,
  type BuildOptions,
} from './common';

function countChunks(documents: number, chunkSize: number): number {
  return Math.ceil(documents / chunkSize);
}

const param = (name: string) => `{{workflow.parameters.${name}}}`;

export function buildEmbeddingWorkflow(job: EmbeddingJob, options: BuildOptions = {}): Workflow {
  const { spec } = job;
  const chunks = countChunks(spec.documents, spec.chunkSize);
  // Each embedder holds one GPU unit, so this many at once never exceeds the job's grant.
  const parallelism = capParallelism(spec.parallelism, job.gpu);
  const embedder = placeTemplate(
    {
      name: 'gpu-embedder',
      inputs: { parameters: [{ name: 'chunk' }] },
      // GPU nodes get preempted and CUDA OOMs are often transient; a chunk is cheap to redo.
      retryStrategy: {
        limit: '2',
        retryPolicy: 'Always',
        backoff: { duration: '30s', factor: '2', maxDuration: '10m' },
      },
      container: {
        image: spec.image,
        command: ['python', '-m', 'gantry_embed.embed'],
        args: [
          '--chunks-uri',
          `${param('output-uri')}/chunks`,
          '--chunk',
          '{{inputs.parameters.chunk}}',
          '--model',
          param('model'),
          '--batch-size',
          param('batch-size'),
          '--max-seq-length',
          param('seq-length'),
          '--out',
          `${param('output-uri')}/embeddings`,
        ],
        resources: requestResources(job.placement, job.gpu.count > 0 ? 1 : 0, spec.memory),
      },
    },
    job.placement,
  );
  const workflow = createWorkflow(
    job,
    {
      entrypoint: 'pipeline',
      arguments: {
        parameters: toNamedValues({
          'dataset-uri': spec.datasetUri,
          'output-uri': spec.outputUri,
          documents: String(spec.documents),
          'chunk-size': String(spec.chunkSize),
          chunks: String(chunks),
          model: spec.model,
          'batch-size': String(spec.batchSize),
          'seq-length': String(spec.seqLength),
        }),
      },
      templates: [
        {
          name: 'pipeline',
          // Template-level parallelism bounds the fan-out; prepare and merge run alone anyway.
          parallelism,
          dag: {
            tasks: [
              { name: 'prepare-data', template: 'prepare-data' },
              {
                name: 'embed',
                template: 'gpu-embedder',
                depends: 'prepare-data',
                withSequence: { count: String(chunks) },
                arguments: { parameters: [{ name: 'chunk', value: '{{item}}' }] },
              },
              { name: 'merge-results', template: 'merge-results', depends: 'embed' },
            ],
          },
        },
        {
          name: 'prepare-data',
          container: {
            image: spec.image,
            command: ['python', '-m', 'gantry_embed.prepare'],
            args: [
              '--dataset',
              param('dataset-uri'),
              '--chunk-size',
              param('chunk-size'),
              '--expect-documents',
              param('documents'),
              '--out',
              `${param('output-uri')}/chunks`,
            ],
            resources: requestResources(job.placement, 0, '4Gi', '2'),
          },
        },
        embedder,
        {
          name: 'merge-results',
          container: {
            image: spec.image,
            command: ['python', '-m', 'gantry_embed.merge'],
            args: [
              '--embeddings',
              `${param('output-uri')}/embeddings`,
              '--expect-chunks',
              param('chunks'),
              '--expect-documents',
              param('documents'),
              '--index-out',
              `${param('output-uri')}/index`,
            ],
            resources: requestResources(job.placement, 0, '8Gi', '2'),
          },
        },
      ],
    },
    options,
  );
  assertWorkflowSize(workflow);
  return workflow;
}
