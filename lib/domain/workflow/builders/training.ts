// A training job is one GPU step running the user's image, in the shape of a multi-user training
// queue: who submitted it, which config file, which work dir, passed as workflow parameters so
// they show in Argo's UI and can be changed on resubmit.
import type { TrainingJob } from '../job';
import type { Workflow } from '../types';
import {
  assertWorkflowSize,
  createWorkflow,
  DSHM_MOUNT,
  DSHM_VOLUME,
  placeTemplate,
  requestResources,
  toNamedValues,
  type BuildOptions,
} from './common';

const PARAMETERS = ['user', 'config-file', 'work-dir'] as const;

export function buildTrainingWorkflow(job: TrainingJob, options: BuildOptions = {}): Workflow {
  const { spec } = job;
  const train = placeTemplate(
    {
      name: 'train',
      // Inputs default to the workflow arguments, so Argo's UI and a resubmit can change them.
      inputs: {
        parameters: PARAMETERS.map((name) => ({ name, value: `{{workflow.parameters.${name}}}` })),
      },
      // OnError: retry when the node or pod was lost, not when the user's code failed.
      retryStrategy: {
        limit: String(spec.retries),
        retryPolicy: 'OnError',
        backoff: { duration: '30s', factor: '2', maxDuration: '10m' },
      },
      container: {
        image: spec.image,
        command: spec.command,
        args: spec.args,
        workingDir: '{{inputs.parameters.work-dir}}',
        env: [
          ...toNamedValues(spec.env),
          { name: 'GANTRY_JOB_ID', value: job.id },
          { name: 'GANTRY_USER', value: '{{inputs.parameters.user}}' },
          { name: 'GANTRY_CONFIG_FILE', value: '{{inputs.parameters.config-file}}' },
          { name: 'GANTRY_WORK_DIR', value: '{{inputs.parameters.work-dir}}' },
        ],
        resources: requestResources(job.placement, job.gpu.count, spec.memory, spec.cpu),
        volumeMounts: [DSHM_MOUNT],
      },
      volumes: [DSHM_VOLUME],
    },
    job.placement,
  );
  const workflow = createWorkflow(
    job,
    {
      entrypoint: 'train',
      arguments: {
        parameters: toNamedValues({ user: job.owner, 'config-file': spec.configFile, 'work-dir': spec.workDir }),
      },
      templates: [train],
    },
    options,
  );
  assertWorkflowSize(workflow);
  return workflow;
}
