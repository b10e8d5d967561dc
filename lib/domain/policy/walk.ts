// The walk over a Workflow or WorkflowTemplate. Rules that can hide anywhere (a Secret referenced by
// an artifact, a ServiceAccount on an exit handler's executor, a templateRef in a hook, podSpecPatch
// in templateDefaults) are matched by field name in one pass over every object; the pod-shaped parts
// (the spec, templateDefaults, each template, each inline template met on that pass) also get the
// structured checks, which read only their own fields. Nothing is copied or serialised.
import { asArray, asObj, isObj, key, type Obj, type Reporter } from './context';
import {
  checkGantryVolume,
  checkLabels,
  checkPlacement,
  checkPodGpus,
  checkPodResources,
  checkTemplateType,
  checkVolumeClaimTemplate,
  countInheritedGpus,
} from './gantry-rules';
import {
  checkContainer,
  checkHostNamespaces,
  checkPodAnnotations,
  checkPodSecurityContext,
  checkPodSecurityVolume,
  checkRestrictedPod,
  type PodContainer,
} from './pod-security';

interface Scope {
  /** The workflow-wide pod securityContext, used by templates that set none. */
  specSecurityContext?: Obj;
  defaults?: Obj;
}

export function checkWorkloadObject(object: unknown, r: Reporter, prefix: string): void {
  const spec = asObj(asObj(object)?.spec);
  if (!spec) return;
  checkLabels(asObj(asObj(asObj(object)?.metadata)?.labels), `${prefix}metadata.labels`, r);
  const at = `${prefix}spec`;
  const scope: Scope = { specSecurityContext: asObj(spec.securityContext), defaults: asObj(spec.templateDefaults) };
  checkHostNamespaces(spec, at, r);
  if (scope.specSecurityContext) checkPodSecurityContext(scope.specSecurityContext, `${at}.securityContext`, r);
  checkVolumes(spec, at, r);
  const claims = asArray(spec.volumeClaimTemplates);
  for (let i = 0; i < claims.length; i++) {
    const claim = claims[i];
    if (isObj(claim)) checkVolumeClaimTemplate(claim, `${at}.volumeClaimTemplates[${i}]`, r);
  }
  checkPlacement(spec, at, r, 'podPriorityClassName');
  checkPodResources(spec, at, r);
  checkPodAnnotations(asObj(asObj(spec.podMetadata)?.annotations), `${at}.podMetadata.annotations`, r);
  const workflowMetadata = asObj(spec.workflowMetadata);
  if (workflowMetadata) {
    checkLabels(asObj(workflowMetadata.labels), `${at}.workflowMetadata.labels`, r);
    checkLabels(asObj(workflowMetadata.labelsFrom), `${at}.workflowMetadata.labelsFrom`, r, true);
  }
  if (scope.defaults) checkTemplate(scope.defaults, `${at}.templateDefaults`, r, scope, true);
  const templates = asArray(spec.templates);
  for (let i = 0; i < templates.length; i++) {
    const template = templates[i];
    if (isObj(template)) checkTemplate(template, `${at}.templates[${i}]`, r, scope, false);
  }
  new FieldWalk(r, scope, at).run(spec);
}

// Per template, only the fields it has are looked at: templates come in every shape, so reading
// thirty absent fields from each cost more than the rest of the walk (megamorphic property loads).
function checkTemplate(template: Obj, at: string, r: Reporter, scope: Scope, isDefaults: boolean): void {
  const defaults = isDefaults ? undefined : scope.defaults;
  let podSc: Obj | undefined;
  let placement = false;
  let pod = false;
  let outsidePod = false;
  let main: PodContainer[] | undefined;
  let init: PodContainer[] | undefined;
  for (const name in template) {
    const value = template[name];
    switch (name) {
      case 'securityContext':
        podSc = asObj(value);
        if (podSc) checkPodSecurityContext(podSc, `${at}.securityContext`, r);
        break;
      case 'volumes':
        checkVolumes(template, at, r);
        break;
      case 'nodeSelector':
      case 'tolerations':
      case 'affinity':
      case 'schedulerName':
      case 'priorityClassName':
      case 'priority':
        placement = true;
        break;
      case 'resourceClaims':
      case 'podResources':
        pod = true;
        break;
      case 'metadata':
        checkPodAnnotations(asObj(asObj(value)?.annotations), `${at}.metadata.annotations`, r);
        checkLabels(asObj(asObj(value)?.labels), `${at}.metadata.labels`, r);
        break;
      case 'resource':
      case 'http':
      case 'plugin':
        outsidePod = true;
        break;
      case 'hostNetwork':
      case 'hostPID':
      case 'hostIPC':
        if (value === true)
          r.report('pss.hostNamespaces', `${at}.${name}`, `${name}: true shares the node's namespace with the pod`);
        break;
      case 'container':
      case 'script':
        if (isObj(value))
          (main ??= []).push({ container: value, at: `${at}.${name}`, defaults: defaultsFor(defaults, name) });
        break;
      case 'containerSet':
        collect(asObj(value)?.containers, `${at}.containerSet.containers`, (main ??= []));
        break;
      case 'sidecars':
        collect(value, `${at}.sidecars`, (main ??= []));
        break;
      case 'initContainers':
        collect(value, `${at}.initContainers`, (init ??= []));
        break;
    }
  }
  if (outsidePod) checkTemplateType(template, at, r);
  if (placement) checkPlacement(template, at, r, 'priorityClassName');
  if (pod) checkPodResources(template, at, r);
  if (!main && !init) return;
  main ??= [];
  init ??= [];
  for (const c of main) checkContainer(c.container, c.at, r);
  for (const c of init) checkContainer(c.container, c.at, r);
  checkPodGpus(main, init, at, r, defaults ? countInheritedGpus(template, defaults) : 0);
  if (r.restricted) checkRestrictedTemplate(template, at, r, scope, { isDefaults, podSc, main, init });
}

/** What the restricted level asks of the pod a template makes (its containers as collected). */
function checkRestrictedTemplate(
  template: Obj,
  at: string,
  r: Reporter,
  scope: Scope,
  pod: { isDefaults: boolean; podSc: Obj | undefined; main: PodContainer[]; init: PodContainer[] },
): void {
  const { podSc, main, init } = pod;
  // templateDefaults is not a pod of its own: the templates it is merged into are checked as pods,
  // and its sidecars and init containers, which Argo adds to them whole, once here.
  if (pod.isDefaults) {
    const added: PodContainer[] = [];
    collect(template.sidecars, `${at}.sidecars`, added);
    collect(template.initContainers, `${at}.initContainers`, added);
    if (added.length > 0)
      checkRestrictedPod({ securityContext: podSc ?? scope.specSecurityContext, containers: added }, r);
    return;
  }
  const defaultsSc = asObj(scope.defaults?.securityContext);
  // Argo takes the template's pod securityContext (merged over templateDefaults') or else the workflow's.
  const securityContext = podSc || defaultsSc ? { ...defaultsSc, ...podSc } : scope.specSecurityContext;
  if (init.length > 0) main.push(...init);
  checkRestrictedPod({ securityContext, containers: main }, r);
}

function defaultsFor(defaults: Obj | undefined, field: 'container' | 'script'): Obj | undefined {
  return defaults ? asObj(asObj(defaults[field])?.securityContext) : undefined;
}

function collect(list: unknown, at: string, into: PodContainer[]): void {
  const containers = asArray(list);
  for (let i = 0; i < containers.length; i++) {
    const container = containers[i];
    if (isObj(container)) into.push({ container, at: `${at}[${i}]` });
  }
}

function checkVolumes(owner: Obj, at: string, r: Reporter): void {
  const volumes = asArray(owner.volumes);
  for (let i = 0; i < volumes.length; i++) {
    const volume = volumes[i];
    if (!isObj(volume)) continue;
    const volumeAt = `${at}.volumes[${i}]`;
    checkPodSecurityVolume(volume, volumeAt, r);
    checkGantryVolume(volume, volumeAt, r);
  }
}

/**
 * The field-name rules, over every object of the spec; finds inline templates for the structured
 * checks. The path is kept as a stack of keys and written out only for a violation: building it for
 * every object was most of the policy's time on a 1 MiB workflow.
 */
class FieldWalk {
  private readonly allowedSecrets: ReadonlySet<string>;
  private readonly path: Array<string | number> = [];

  constructor(
    private readonly r: Reporter,
    private readonly scope: Scope,
    private readonly root: string,
  ) {
    this.allowedSecrets = new Set([...r.context.allowedSecrets, ...r.context.gantrySecrets]);
  }

  run(spec: Obj): void {
    this.visit(spec);
  }

  private here(field: string): string {
    let at = this.root;
    for (const part of this.path) at += typeof part === 'number' ? `[${part}]` : key(part);
    return at + key(field);
  }

  private visit(value: Obj | unknown[]): void {
    const path = this.path;
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item = value[i];
        if (typeof item !== 'object' || item === null) continue;
        path.push(i);
        this.visit(item as Obj);
        path.pop();
      }
      return;
    }
    for (const name in value) {
      const child = value[name];
      if (typeof child !== 'object' || child === null) {
        if (name === 'serviceAccountName') this.checkServiceAccount(child);
        else if (name === 'podSpecPatch') this.reportPodSpecPatch(name);
        continue;
      }
      switch (name) {
        // User-chosen keys, not fields: a label called serviceAccountName is just a label.
        case 'labels':
        case 'annotations':
        case 'nodeSelector':
        case 'labelsFrom':
          // ...but Argo fills in placeholders in the keys of maps, these too.
          this.checkMapKeys(name, child as Obj);
          continue;
        // The other maps whose keys matter: a key of a struct that is no field of it is dropped
        // when Argo reads the Workflow, before any placeholder is filled in.
        case 'limits':
        case 'requests':
        case 'matchLabels':
        case 'hooks':
          this.checkMapKeys(name, child as Obj);
          break;
        case 'podSpecPatch':
          this.reportPodSpecPatch(name);
          continue;
        case 'templateRef':
        case 'workflowTemplateRef':
          this.checkTemplateRef(child as Obj, name);
          continue;
        case 'imagePullSecrets':
          this.checkImagePullSecrets(child, name);
          continue;
        case 'secret':
          this.checkSecretSource(child as Obj, name);
          continue;
        case 'inline':
          if (isObj(child)) checkTemplate(child, this.here(name), this.r, this.scope, false);
          break;
        // The workflow's pods, and artifact GC's (spec.artifactGC, an artifact's artifactGC).
        case 'podMetadata':
          checkLabels(asObj((child as Obj).labels), `${this.here(name)}.labels`, this.r);
          break;
        default:
          // secretKeyRef, secretRef and Argo's SecretKeySelectors (accessKeySecret, passwordSecret,
          // sshPrivateKeySecret, ...) and *SecretRef of volume sources all hold a Secret's name.
          if (namesSecret(name)) {
            if (isObj(child)) {
              if (!this.isAllowedSecret(child.name)) this.reportSecret(child.name, `${this.here(name)}.name`);
              continue;
            }
          }
      }
      path.push(name);
      this.visit(child as Obj);
      path.pop();
    }
  }

  private reportPodSpecPatch(field: string): void {
    this.r.report(
      'gantry.podSpecPatch',
      this.here(field),
      'podSpecPatch can change any field of the pod after every check',
    );
  }

  private checkImagePullSecrets(list: unknown, field: string): void {
    const refs = asArray(list);
    for (let i = 0; i < refs.length; i++) {
      const refName = asObj(refs[i])?.name;
      if (!this.isAllowedSecret(refName)) this.reportSecret(refName, `${this.here(field)}[${i}].name`);
    }
  }

  // A secret volume names it secretName, a projected source name; the other field is dropped as
  // unknown, so each present is checked (secretName beside name once hid name).
  private checkSecretSource(secret: Obj, field: string): void {
    const hasName = 'name' in secret;
    if ('secretName' in secret || !hasName) this.checkSecretField(secret, 'secretName', field);
    if (hasName) this.checkSecretField(secret, 'name', field);
  }

  private checkMapKeys(field: string, map: Obj): void {
    for (const name in map) {
      if (name.includes('{{'))
        this.r.report(
          'gantry.placeholderKey',
          this.here(field) + key(name),
          `Argo fills in ${name} after every check; write the key itself`,
        );
    }
  }

  private checkServiceAccount(name: unknown): void {
    // Left empty, the workflow's (Gantry's) applies.
    if (name === this.r.context.serviceAccountName || name === null || name === undefined || name === '') return;
    this.r.report(
      'gantry.serviceAccount',
      this.here('serviceAccountName'),
      `pods run as the team's ServiceAccount ${this.r.context.serviceAccountName}, not ${String(name)}`,
    );
  }

  private isAllowedSecret(name: unknown): boolean {
    return typeof name === 'string' && this.allowedSecrets.has(name);
  }

  private checkSecretField(secret: Obj, field: string, parent: string): void {
    if (!this.isAllowedSecret(secret[field])) this.reportSecret(secret[field], `${this.here(parent)}.${field}`);
  }

  private reportSecret(name: unknown, at: string): void {
    this.r.report(
      'gantry.secret',
      at,
      `Secret ${String(name)} is not one the team may use; an admin can allow it for the team`,
    );
  }

  private checkTemplateRef(ref: Obj, field: string): void {
    const name = ref.name;
    if (ref.clusterScope === true) {
      this.r.report(
        'gantry.templateRef',
        `${this.here(field)}.clusterScope`,
        'ClusterWorkflowTemplates are not allowed',
      );
    } else if (typeof name !== 'string' || !this.r.context.templateRefs.includes(name)) {
      this.r.report(
        'gantry.templateRef',
        `${this.here(field)}.name`,
        `WorkflowTemplate ${String(name)} was not created by Gantry for this job; put the templates in the workflow`,
      );
    }
  }
}

const LOWER_F = 102;
const LOWER_T = 116;

/** secretKeyRef, secretRef, *SecretRef and *Secret: the last letter rules out most keys without a string search. */
function namesSecret(name: string): boolean {
  const last = name.charCodeAt(name.length - 1);
  if (last === LOWER_T) return name.endsWith('Secret');
  if (last === LOWER_F) return name === 'secretKeyRef' || name === 'secretRef' || name.endsWith('SecretRef');
  return false;
}
