// The closed list of workload policy rules. Their ids are what a violation names, what an admin's
// exception names (team_policy_exceptions.rule) and what README.md documents: change them only with
// a migration of the stored exceptions.
import { z } from 'zod';

/**
 * Pod Security Standards checks, after kubernetes/pod-security-admission policy/check_*.go
 * (latest version of each check). Baseline applies to every team; restricted adds its own.
 */
const BASELINE_RULES = [
  'pss.hostProcess',
  'pss.hostNamespaces',
  'pss.privileged',
  'pss.capabilities',
  'pss.hostPathVolumes',
  'pss.hostPorts',
  'pss.hostProbes',
  'pss.appArmor',
  'pss.seLinux',
  'pss.procMount',
  'pss.seccomp',
  'pss.sysctls',
] as const;

const RESTRICTED_RULES = [
  'pss.volumeTypes',
  'pss.privilegeEscalation',
  'pss.runAsNonRoot',
  'pss.runAsUser',
  'pss.seccompRestricted',
  'pss.capabilitiesRestricted',
] as const;

/** Gantry's own rules, on top of Pod Security, at every level. */
const GANTRY_RULES = [
  'gantry.serviceAccount',
  'gantry.secret',
  'gantry.podSpecPatch',
  'gantry.gpu',
  'gantry.placement',
  'gantry.resourceTemplate',
  'gantry.templateRef',
  'gantry.volumeTypes',
  'gantry.httpTemplate',
  'gantry.pluginTemplate',
  'gantry.labels',
  'gantry.placeholderKey',
] as const;

export const POLICY_RULES = [...BASELINE_RULES, ...RESTRICTED_RULES, ...GANTRY_RULES] as const;
export const PolicyRule = z.enum(POLICY_RULES);
export type PolicyRule = z.infer<typeof PolicyRule>;

/** One line per rule: what it refuses. The admin console shows these next to exceptions. */
export const RULE_DESCRIPTIONS: Record<PolicyRule, string> = {
  'pss.hostProcess': 'Windows host processes (securityContext.windowsOptions.hostProcess)',
  'pss.hostNamespaces': 'sharing the node’s network, PID or IPC namespace (hostNetwork, hostPID, hostIPC)',
  'pss.privileged': 'privileged containers',
  'pss.capabilities': 'capabilities added beyond the container runtime’s default set',
  'pss.hostPathVolumes': 'hostPath volumes',
  'pss.hostPorts': 'container ports bound on the node (hostPort)',
  'pss.hostProbes': 'probes and lifecycle hooks aimed at another host',
  'pss.appArmor': 'AppArmor profiles other than RuntimeDefault or Localhost',
  'pss.seLinux': 'SELinux types other than the container ones, or any SELinux user or role',
  'pss.procMount': 'an unmasked /proc (procMount other than Default)',
  'pss.seccomp': 'the Unconfined seccomp profile',
  'pss.sysctls': 'sysctls outside the safe set',
  'pss.volumeTypes': 'volume types outside the restricted set (restricted level)',
  'pss.privilegeEscalation': 'containers that do not set allowPrivilegeEscalation: false (restricted level)',
  'pss.runAsNonRoot': 'pods that do not set runAsNonRoot: true (restricted level)',
  'pss.runAsUser': 'runAsUser: 0 (restricted level)',
  'pss.seccompRestricted': 'pods without a RuntimeDefault or Localhost seccomp profile (restricted level)',
  'pss.capabilitiesRestricted':
    'containers that do not drop ALL capabilities, or add any but NET_BIND_SERVICE (restricted level)',
  'gantry.serviceAccount': 'a ServiceAccount other than the team’s',
  'gantry.secret': 'a Secret other than the team’s allowed ones and those Gantry creates for the job',
  'gantry.podSpecPatch': 'podSpecPatch, which can change any field of the pod after every check',
  'gantry.gpu': 'nvidia.com/* resources beyond the admitted GPUs, and device claims (resourceClaims)',
  'gantry.placement': 'node selectors, affinity, tolerations, scheduler or priority class other than Gantry’s',
  'gantry.resourceTemplate': 'resource templates (Kubernetes objects created by the workflow)',
  'gantry.templateRef': 'templateRef and workflowTemplateRef to templates Gantry did not create for the job',
  'gantry.volumeTypes':
    'volumes other than emptyDir, configMap, downwardAPI, persistentVolumeClaim, secret and projected',
  'gantry.httpTemplate': 'http templates (requests sent by Argo’s agent from inside the cluster)',
  'gantry.pluginTemplate': 'executor plugin templates (code installed by the cluster operator)',
  'gantry.labels':
    'gantry.dev/* labels other than Gantry’s own (telemetry and the workflow sync trust them), Argo’s controller-instanceid, the GPU exporter’s app label',
  'gantry.placeholderKey':
    'Argo {{...}} placeholders in keys, which Argo fills in after every check (a key could become nvidia.com/gpu)',
};
