// Gantry's rules on the pod-shaped parts of Argo objects: GPUs only as admitted, placement only as
// Gantry sets it, a short list of volume types, and no templates that act outside a pod.
import { asArray, asObj, isObj, key, type Obj, type PolicyToleration, type Reporter } from './context';
import type { PodContainer } from './pod-security';
import { GANTRY_LABEL_PREFIX } from '../terms';

// The device plugin's GPU resources; any other nvidia.com/* name is refused outright.
const GPU_RESOURCE = /^nvidia\.com\/(gpu|mig-.+)$/;
const GANTRY_VOLUMES = new Set([
  'emptyDir',
  'configMap',
  'downwardAPI',
  'persistentVolumeClaim',
  'secret',
  'projected',
]);
const PROJECTED_SOURCES = new Set(['configMap', 'downwardAPI', 'secret', 'serviceAccountToken']);
// What a sweep's parent may say when it creates a part: run the part template, with arguments.
const PART_SPEC_FIELDS = new Set(['workflowTemplateRef', 'arguments']);
const BUCKETS = ['limits', 'requests'] as const;
// The NVIDIA container runtime gives a container the devices these name ("all": every GPU of the
// node) unless the node's toolkit ignores them for unprivileged pods; the device plugin sets the
// first itself for what it allocated. Hiding every GPU (void, none, empty) is harmless.
const GPU_ENV = new Set(['NVIDIA_VISIBLE_DEVICES', 'NVIDIA_MIG_CONFIG_DEVICES', 'NVIDIA_MIG_MONITOR_DEVICES']);
const NO_GPUS = new Set(['', 'void', 'none']);

/** nodeSelector, affinity, tolerations, schedulerName and priority class of a spec or template. */
export function checkPlacement(
  owner: Obj,
  at: string,
  r: Reporter,
  priorityField: 'podPriorityClassName' | 'priorityClassName',
): void {
  const { placement } = r.context;
  const selector = asObj(owner.nodeSelector);
  for (const name in selector ?? {}) {
    if (placement.nodeSelector[name] !== selector![name]) {
      r.report(
        'gantry.placement',
        `${at}.nodeSelector${key(name)}`,
        'Gantry sets the node selector of the pool the job was admitted to',
      );
    }
  }
  const tolerations = asArray(owner.tolerations);
  for (let i = 0; i < tolerations.length; i++) {
    if (!placement.tolerations.some((t) => sameToleration(t, tolerations[i]))) {
      r.report(
        'gantry.placement',
        `${at}.tolerations[${i}]`,
        'Gantry sets the tolerations of the pool the job was admitted to',
      );
    }
  }
  if (owner.affinity !== undefined && owner.affinity !== null) {
    r.report('gantry.placement', `${at}.affinity`, 'affinity may steer pods away from the admitted nodes');
  }
  if (typeof owner.schedulerName === 'string' && owner.schedulerName !== '') {
    r.report('gantry.placement', `${at}.schedulerName`, 'pods are placed by the default scheduler');
  }
  // A pod's priority number is its class's; written out, it outranks the class Gantry chose.
  const number = priorityField === 'podPriorityClassName' ? 'podPriority' : 'priority';
  if (owner[number] !== undefined && owner[number] !== null) {
    r.report('gantry.placement', `${at}.${number}`, 'the pod’s priority comes from the job’s priority class');
  }
  const priority = owner[priorityField];
  if (typeof priority === 'string' && priority !== placement.priorityClassName) {
    r.report(
      'gantry.placement',
      `${at}.${priorityField}`,
      `the job's priority class is ${placement.priorityClassName ?? 'set by Gantry'}`,
    );
  }
}

/**
 * The GPUs of one pod: per container, and in total, at most the grant, under the admitted name.
 * `inherited`: what templateDefaults add to the pod (countInheritedGpus), checked there on its own.
 */
export function checkPodGpus(
  containers: PodContainer[],
  initContainers: PodContainer[],
  at: string,
  r: Reporter,
  inherited = 0,
): void {
  // Init containers run one at a time, before the others: each is checked on its own. A native
  // sidecar (an init container with restartPolicy: Always) keeps running, so it counts in the sum.
  let total = inherited;
  for (const c of initContainers) {
    const held = checkContainerGpus(c, r);
    if (c.container.restartPolicy === 'Always' && held > 0) total += held;
  }
  let refused = false;
  for (const c of containers) {
    const held = checkContainerGpus(c, r);
    if (held < 0) refused = true;
    else total += held;
  }
  const grant = r.context.gpu.count;
  if (!refused && total > grant) {
    r.report('gantry.gpu', at, `the pod's containers ask for ${total} GPUs together; the job was admitted ${grant}`);
  }
}

/** Pod-level fields that claim devices or set pod-wide resources. */
export function checkPodResources(owner: Obj, at: string, r: Reporter): void {
  if (asArray(owner.resourceClaims).length > 0) {
    r.report('gantry.gpu', `${at}.resourceClaims`, 'device claims can take GPUs outside what Gantry admitted');
  }
  const podResources = asObj(owner.podResources);
  if (podResources) checkResourceBuckets(podResources, `${at}.podResources`, r);
}

export function checkGantryVolume(volume: Obj, at: string, r: Reporter): void {
  for (const type in volume) {
    // hostPath is Pod Security's (pss.hostPathVolumes), so one exception covers it.
    if (type === 'name' || type === 'hostPath' || GANTRY_VOLUMES.has(type)) continue;
    r.report(
      'gantry.volumeTypes',
      `${at}.${type}`,
      `volume type ${type} is not allowed; use emptyDir, configMap, downwardAPI or a PersistentVolumeClaim`,
    );
  }
  for (const [i, source] of asArray(asObj(volume.projected)?.sources).entries()) {
    for (const type in asObj(source) ?? {}) {
      if (!PROJECTED_SOURCES.has(type))
        r.report(
          'gantry.volumeTypes',
          `${at}.projected.sources[${i}].${type}`,
          `projected source ${type} is not allowed`,
        );
    }
  }
}

/**
 * A claim Argo creates in the team's namespace; binding it to a chosen PersistentVolume (by name or
 * by a label selector, which picks another team's released volume as surely) or filling it from
 * another namespace is not.
 */
export function checkVolumeClaimTemplate(claim: Obj, at: string, r: Reporter): void {
  const spec = asObj(claim.spec);
  if (typeof spec?.volumeName === 'string' && spec.volumeName !== '') {
    r.report('gantry.volumeTypes', `${at}.spec.volumeName`, 'a claim may not bind a chosen PersistentVolume');
  }
  if (spec?.selector !== undefined && spec.selector !== null) {
    r.report('gantry.volumeTypes', `${at}.spec.selector`, 'a claim may not select existing PersistentVolumes');
  }
  const source = asObj(spec?.dataSourceRef);
  if (typeof source?.namespace === 'string' && source.namespace !== '') {
    r.report(
      'gantry.volumeTypes',
      `${at}.spec.dataSourceRef.namespace`,
      'a claim may only be filled from the team’s own namespace',
    );
  }
}

// Labels that say which job, team or owner an object belongs to (telemetry, the workflow sync and
// cancellation trust them), and the one that hands a Workflow to another Argo controller, whose
// settings this policy knows nothing of. Argo's other labels are informational or its own to
// overwrite (examples carry workflows.argoproj.io/no-test).
const ARGO_INSTANCE_LABEL = 'workflows.argoproj.io/controller-instanceid';
// Gantry reads GPU telemetry from every pod with this label, in any namespace (lib/cluster/metrics.ts
// DCGM_EXPORTER_SELECTOR): a workflow pod wearing it would serve made-up samples for any GPU.
const EXPORTER_LABEL = 'app';
const EXPORTER_LABEL_VALUE = 'nvidia-dcgm-exporter';

function isReservedLabel(name: string): boolean {
  return name.startsWith(GANTRY_LABEL_PREFIX) || name === ARGO_INSTANCE_LABEL;
}

/**
 * Labels of the Workflow or its pods (metadata.labels, podMetadata, a template's metadata,
 * workflowMetadata, which Argo writes onto the Workflow at run time): a reserved label only with
 * Gantry's value. `computed`: labelsFrom, whose values are expressions, so no reserved key at all.
 */
export function checkLabels(labels: Obj | undefined, at: string, r: Reporter, computed = false): void {
  if (!labels) return;
  const own = r.context.jobLabels ?? {};
  for (const name in labels) {
    if (name === EXPORTER_LABEL && labels[name] === EXPORTER_LABEL_VALUE) {
      r.report(
        'gantry.labels',
        `${at}${key(name)}`,
        'a pod with this label is read as a node’s GPU telemetry exporter',
      );
      continue;
    }
    if (!isReservedLabel(name)) continue;
    if (!computed && typeof labels[name] === 'string' && own[name] === labels[name]) continue;
    r.report(
      'gantry.labels',
      `${at}${key(name)}`,
      `label ${name} is Gantry’s or Argo’s to set; it tells jobs, teams and workflows apart`,
    );
  }
}

/**
 * The GPUs templateDefaults add to a template's pod, as Argo merges them under it: maps key by
 * key (a container's limits), lists whole (sidecars, initContainers only where the template has
 * none). Values the defaults get wrong are reported at templateDefaults; here they count as 0.
 */
export function countInheritedGpus(template: Obj, defaults: Obj): number {
  let total = 0;
  for (const field of ['container', 'script'] as const) {
    const own = asObj(template[field]);
    const inherited = asObj(asObj(defaults[field])?.resources);
    if (own && inherited) total += countGpus(inherited, asObj(own.resources));
  }
  if (template.sidecars === undefined) {
    for (const sidecar of asArray(defaults.sidecars)) total += countGpus(asObj(asObj(sidecar)?.resources));
  }
  if (template.initContainers === undefined) {
    for (const init of asArray(defaults.initContainers)) {
      if (asObj(init)?.restartPolicy === 'Always') total += countGpus(asObj(asObj(init)?.resources));
    }
  }
  return total;
}

/** The most GPUs one bucket asks for, leaving out the keys `over` sets itself (they replace these). */
function countGpus(resources: Obj | undefined, over?: Obj): number {
  let most = 0;
  for (const bucket of BUCKETS) {
    const values = asObj(resources?.[bucket]);
    const replaced = asObj(over?.[bucket]);
    let sum = 0;
    for (const name in values ?? {}) {
      if (!name.startsWith('nvidia.com/') || replaced?.[name] !== undefined) continue;
      const wanted = Number(values![name]);
      if (Number.isInteger(wanted) && wanted > 0) sum += wanted;
    }
    most = Math.max(most, sum);
  }
  return most;
}

/** resource, http and plugin templates act outside a pod Gantry can check. */
export function checkTemplateType(template: Obj, at: string, r: Reporter): void {
  const resource = asObj(template.resource);
  if (resource && !isPartCreation(resource, r.context.templateRefs)) {
    r.report(
      'gantry.resourceTemplate',
      `${at}.resource`,
      'resource templates create Kubernetes objects that bypass this policy',
    );
  }
  if (template.http !== undefined) {
    r.report('gantry.httpTemplate', `${at}.http`, 'http templates send requests from Argo’s agent inside the cluster');
  }
  if (template.plugin !== undefined) {
    r.report('gantry.pluginTemplate', `${at}.plugin`, 'executor plugin templates are not allowed');
  }
}

/**
 * The one resource template Gantry writes itself: a sweep's parent creating a part Workflow that
 * only runs a WorkflowTemplate Gantry created for the job. Gantry writes the manifest as JSON.
 */
function isPartCreation(resource: Obj, templateRefs: readonly string[]): boolean {
  if (resource.action !== 'create' || typeof resource.manifest !== 'string' || resource.manifestFrom !== undefined)
    return false;
  let manifest: unknown;
  try {
    manifest = JSON.parse(resource.manifest);
  } catch {
    return false;
  }
  const spec = asObj(asObj(manifest)?.spec);
  if (asObj(manifest)?.kind !== 'Workflow' || !spec) return false;
  for (const field in spec) if (!PART_SPEC_FIELDS.has(field)) return false;
  const ref = asObj(spec.workflowTemplateRef);
  return Boolean(ref && ref.clusterScope !== true && typeof ref.name === 'string' && templateRefs.includes(ref.name));
}

function checkContainerGpus({ container, at }: PodContainer, r: Reporter): number {
  const env = asArray(container.env);
  for (let i = 0; i < env.length; i++) {
    const variable = asObj(env[i]);
    if (typeof variable?.name !== 'string' || !GPU_ENV.has(variable.name)) continue;
    if (variable.valueFrom === undefined && NO_GPUS.has(String(variable.value ?? ''))) continue;
    r.report(
      'gantry.gpu',
      `${at}.env[${i}].name`,
      `${variable.name} makes the NVIDIA runtime hand the container GPUs the device plugin did not allocate`,
    );
  }
  const resources = asObj(container.resources);
  return resources ? checkResourceBuckets(resources, `${at}.resources`, r) : 0;
}

/** Checks limits and requests; answers the GPUs the container holds (the larger of the two), -1 when refused. */
function checkResourceBuckets(resources: Obj, at: string, r: Reporter): number {
  const { count: grant, resourceName } = r.context.gpu;
  let most = 0;
  for (const bucket of BUCKETS) {
    const values = asObj(resources[bucket]);
    for (const name in values ?? {}) {
      if (!name.startsWith('nvidia.com/')) continue;
      const wanted = Number(values![name]);
      if (resourceName ? name !== resourceName : !GPU_RESOURCE.test(name)) {
        r.report(
          'gantry.gpu',
          `${at}.${bucket}${key(name)}`,
          `only ${resourceName ?? 'nvidia.com/gpu or a MIG profile'} may be asked for; Gantry sets it from the admitted pool`,
        );
        most = -Infinity;
      } else if (!Number.isInteger(wanted) || wanted < 0) {
        r.report('gantry.gpu', `${at}.${bucket}${key(name)}`, `${String(values![name])} is not a whole number of GPUs`);
        most = -Infinity;
      } else if (wanted > grant) {
        r.report('gantry.gpu', `${at}.${bucket}${key(name)}`, `asks for ${wanted} GPUs; the job was admitted ${grant}`);
        most = -Infinity;
      } else {
        most = Math.max(most, wanted);
      }
    }
  }
  return most < 0 ? -1 : most;
}

function sameToleration(allowed: PolicyToleration, value: unknown): boolean {
  if (!isObj(value)) return false;
  return (
    (value.key ?? undefined) === allowed.key &&
    (value.operator ?? 'Equal') === (allowed.operator ?? 'Equal') &&
    (value.value ?? undefined) === allowed.value &&
    (value.effect ?? undefined) === allowed.effect &&
    (value.tolerationSeconds ?? undefined) === allowed.tolerationSeconds
  );
}
