// Tests that drive kubectl (or promtool) run only where it is installed, and say so plainly where it is not.
// Also what those tests share: rendering a kustomization and reading its pods as Kubernetes would.
import { execFileSync, spawnSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

export function hasKubectl(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
}

/** Prometheus' promtool (Debian: `apt-get install prometheus`), which unit-tests alerting rules. */
export function hasPromtool(): boolean {
  return spawnSync('promtool', ['--version'], { encoding: 'utf8' }).status === 0;
}

// Rendered objects are untyped YAML: the tests read them field by field and fail on what is missing.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a schema for every kind the manifests hold would only restate them
export type K8sObject = any;

/** `kubectl kustomize <dir>` as objects (throws with kustomize's message when it does not render). */
export function kustomize(dir: string): K8sObject[] {
  const out = execFileSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 32 * 1024 * 1024 });
  return parseAllDocuments(out)
    .map((d) => d.toJS())
    .filter(Boolean);
}

const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet', 'Job'];

/** One pod template per workload, with what a check needs to name it. */
export interface PodTemplate {
  workload: string;
  kind: string;
  namespace: string;
  labels: Record<string, string>;
  spec: K8sObject;
}

export function podTemplates(objs: K8sObject[]): PodTemplate[] {
  return objs
    .filter((o) => WORKLOAD_KINDS.includes(o.kind))
    .map((o) => ({
      workload: `${o.kind}/${o.metadata.name}`,
      kind: o.kind,
      namespace: o.metadata.namespace,
      labels: o.spec.template.metadata?.labels ?? {},
      spec: o.spec.template.spec,
    }));
}

/** A label selector (matchLabels and matchExpressions) against a set of labels. */
export function selects(selector: K8sObject, labels: Record<string, string>): boolean {
  if (!selector) return false;
  const byLabel = Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  const byExpr = (selector.matchExpressions ?? []).every((e: { key: string; operator: string; values?: string[] }) => {
    const has = e.key in labels;
    if (e.operator === 'Exists') return has;
    if (e.operator === 'DoesNotExist') return !has;
    if (e.operator === 'In') return has && (e.values ?? []).includes(labels[e.key]);
    return !has || !(e.values ?? []).includes(labels[e.key]);
  });
  return byLabel && byExpr;
}

// Pod Security Standards, level "restricted" (kubernetes.io/docs/concepts/security/pod-security-standards),
// the controls that apply to a pod template, plus Gantry's own rule: a read-only root filesystem.
const RESTRICTED_VOLUME_TYPES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** Every way a pod template falls short of "restricted" (empty when it passes). */
export function restrictedViolations(spec: K8sObject): string[] {
  const out: string[] = [];
  const pod = spec.securityContext ?? {};
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) out.push('pod: host namespaces');
  for (const v of spec.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (!type || !RESTRICTED_VOLUME_TYPES.includes(type)) out.push(`volume ${v.name}: type ${type} not allowed`);
  }
  if (pod.runAsUser === 0) out.push('pod: runAsUser 0');
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const sc = c.securityContext ?? {};
    const where = `container ${c.name}`;
    if (sc.privileged) out.push(`${where}: privileged`);
    if ((c.ports ?? []).some((p: { hostPort?: number }) => p.hostPort)) out.push(`${where}: hostPort`);
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) out.push(`${where}: runAsNonRoot is not true`);
    const uid = sc.runAsUser ?? pod.runAsUser;
    if (uid === undefined || uid === 0) out.push(`${where}: runAsUser ${uid ?? 'unset'}, must be a non-zero UID`);
    if (sc.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation is not false`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) out.push(`${where}: capabilities do not drop ALL`);
    const added = (sc.capabilities?.add ?? []).filter((cap: string) => cap !== 'NET_BIND_SERVICE');
    if (added.length) out.push(`${where}: adds capabilities ${added.join(', ')}`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
      out.push(`${where}: seccompProfile ${seccomp ?? 'unset'}`);
    if (sc.readOnlyRootFilesystem !== true) out.push(`${where}: root filesystem is writable`);
  }
  return out;
}
