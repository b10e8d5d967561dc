// The Pod Security Standards, as kubernetes/pod-security-admission checks them (policy/check_*.go,
// the latest version of each check), applied to the pod parts of Argo objects. Explicit settings are
// checked where they are written; the restricted level's "must be set" checks run per pod, on the
// values Argo will put in it (template over templateDefaults, then the workflow's).
import { asArray, asObj, key, type Obj, type Reporter } from './context';

// check_capabilities_baseline.go
const BASELINE_CAPABILITIES = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
// check_sysctls.go, sysctlsAllowedV1Dot37
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'net.ipv4.tcp_slow_start_after_idle',
  'net.ipv4.tcp_notsent_lowat',
]);
// check_seLinuxOptions.go, selinuxAllowedTypes1_31
const SELINUX_TYPES = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t']);
// check_restrictedVolumes.go
const RESTRICTED_VOLUMES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);
const APPARMOR_ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';
const GOOD_PROFILE_TYPES = new Set(['RuntimeDefault', 'Localhost']);
const HOOKS = ['postStart', 'preStop'] as const;
const HANDLER_KINDS = ['httpGet', 'tcpSocket'] as const;
const HOST_NAMESPACES = ['hostNetwork', 'hostPID', 'hostIPC'] as const;

/** One container of a pod, with the securityContext templateDefaults give it when it sets none. */
export interface PodContainer {
  container: Obj;
  at: string;
  defaults?: Obj;
}

/** A pod as Argo will create it from one template. */
export interface Pod {
  /** The pod-level securityContext in effect (template's, else the workflow's). */
  securityContext?: Obj;
  containers: PodContainer[];
}

export function checkHostNamespaces(spec: Obj, at: string, r: Reporter): void {
  for (const field of HOST_NAMESPACES) {
    if (spec[field] === true)
      r.report('pss.hostNamespaces', `${at}.${field}`, `${field}: true shares the node's namespace with the pod`);
  }
}

/** A PodSecurityContext (workflow, templateDefaults or template level). */
export function checkPodSecurityContext(sc: Obj, at: string, r: Reporter): void {
  checkCommonSecurityContext(sc, at, r);
  for (const [i, sysctl] of asArray(sc.sysctls).entries()) {
    const name = asObj(sysctl)?.name;
    if (typeof name === 'string' && !SAFE_SYSCTLS.has(name)) {
      r.report('pss.sysctls', `${at}.sysctls[${i}].name`, `sysctl ${name} is not in Kubernetes' safe set`);
    }
  }
}

/** Everything a container itself may get wrong: its securityContext, ports, probes and hooks. */
export function checkContainer(container: Obj, at: string, r: Reporter): void {
  // Only the fields present are read (see checkTemplate in walk.ts).
  for (const name in container) {
    const value = container[name];
    switch (name) {
      case 'securityContext': {
        const sc = asObj(value);
        if (sc) checkContainerSecurityContext(sc, `${at}.securityContext`, r);
        break;
      }
      case 'ports': {
        const ports = asArray(value);
        for (let i = 0; i < ports.length; i++) {
          const hostPort = asObj(ports[i])?.hostPort;
          if (hostPort !== undefined && hostPort !== 0 && hostPort !== null) {
            r.report(
              'pss.hostPorts',
              `${at}.ports[${i}].hostPort`,
              `hostPort ${String(hostPort)} binds a port on the node`,
            );
          }
        }
        break;
      }
      case 'livenessProbe':
      case 'readinessProbe':
      case 'startupProbe': {
        const handler = asObj(value);
        if (handler) checkHandlerHost(handler, `${at}.${name}`, r);
        break;
      }
      case 'lifecycle': {
        const lifecycle = asObj(value);
        for (const hook of HOOKS) {
          const handler = asObj(lifecycle?.[hook]);
          if (handler) checkHandlerHost(handler, `${at}.lifecycle.${hook}`, r);
        }
        break;
      }
    }
  }
}

function checkContainerSecurityContext(sc: Obj, scAt: string, r: Reporter): void {
  checkCommonSecurityContext(sc, scAt, r);
  if (sc.privileged === true) r.report('pss.privileged', `${scAt}.privileged`, 'privileged containers are not allowed');
  if (typeof sc.procMount === 'string' && sc.procMount !== 'Default') {
    r.report('pss.procMount', `${scAt}.procMount`, `procMount must be Default, not ${sc.procMount}`);
  }
  const add = asArray(asObj(sc.capabilities)?.add);
  for (let i = 0; i < add.length; i++) {
    const cap = add[i];
    if (typeof cap !== 'string') continue;
    if (!BASELINE_CAPABILITIES.has(cap)) {
      r.report(
        'pss.capabilities',
        `${scAt}.capabilities.add[${i}]`,
        `capability ${cap} is beyond the runtime's default set`,
      );
    }
    if (r.restricted && cap !== 'NET_BIND_SERVICE') {
      r.report(
        'pss.capabilitiesRestricted',
        `${scAt}.capabilities.add[${i}]`,
        `only NET_BIND_SERVICE may be added, not ${cap}`,
      );
    }
  }
  if (r.restricted && sc.allowPrivilegeEscalation === true) {
    r.report('pss.privilegeEscalation', `${scAt}.allowPrivilegeEscalation`, 'allowPrivilegeEscalation must be false');
  }
}

/** One volume: hostPath at baseline, anything outside the restricted set at restricted. */
export function checkPodSecurityVolume(volume: Obj, at: string, r: Reporter): void {
  if (r.restricted) {
    for (const type in volume) {
      if (type !== 'name' && !RESTRICTED_VOLUMES.has(type)) {
        r.report('pss.volumeTypes', `${at}.${type}`, `volume type ${type} is not allowed at the restricted level`);
      }
    }
  } else if (volume.hostPath !== undefined) {
    r.report('pss.hostPathVolumes', `${at}.hostPath`, 'hostPath volumes expose the node’s file system');
  }
}

/** Pod annotations: the deprecated AppArmor annotation must name an allowed profile. */
export function checkPodAnnotations(annotations: Obj | undefined, at: string, r: Reporter): void {
  if (!annotations) return;
  for (const name in annotations) {
    if (!name.startsWith(APPARMOR_ANNOTATION)) continue;
    const value = annotations[name];
    if (typeof value === 'string' && value !== '' && value !== 'runtime/default' && !value.startsWith('localhost/')) {
      r.report('pss.appArmor', `${at}${key(name)}`, `AppArmor profile ${value} is not allowed`);
    }
  }
}

/** The restricted level's requirements that hold when a field is missing, per container of a pod. */
export function checkRestrictedPod(pod: Pod, r: Reporter): void {
  if (!r.restricted) return;
  const podSc = pod.securityContext;
  const podNonRoot = podSc?.runAsNonRoot === true;
  const podSeccomp = GOOD_PROFILE_TYPES.has(String(asObj(podSc?.seccompProfile)?.type));
  for (const { container, at, defaults } of pod.containers) {
    const own = asObj(container.securityContext);
    const scAt = `${at}.securityContext`;
    if (effective(own, defaults, 'allowPrivilegeEscalation') === undefined) {
      r.report('pss.privilegeEscalation', `${scAt}.allowPrivilegeEscalation`, 'must be set to false');
    }
    if (effective(own, defaults, 'runAsNonRoot') === undefined && !podNonRoot) {
      r.report('pss.runAsNonRoot', `${scAt}.runAsNonRoot`, 'must be true here or in the pod’s securityContext');
    }
    if (effective(own, defaults, 'seccompProfile') === undefined && !podSeccomp) {
      r.report(
        'pss.seccompRestricted',
        `${scAt}.seccompProfile.type`,
        'must be RuntimeDefault or Localhost here or in the pod’s securityContext',
      );
    }
    const drop = asArray(asObj(effective(own, defaults, 'capabilities'))?.drop);
    if (!drop.includes('ALL')) r.report('pss.capabilitiesRestricted', `${scAt}.capabilities.drop`, 'must include ALL');
  }
}

/** A container's own securityContext field, else the one templateDefaults gives it. */
function effective(own: Obj | undefined, defaults: Obj | undefined, field: string): unknown {
  return own && own[field] !== undefined ? own[field] : defaults?.[field];
}

function checkCommonSecurityContext(sc: Obj, at: string, r: Reporter): void {
  if (asObj(sc.windowsOptions)?.hostProcess === true) {
    r.report('pss.hostProcess', `${at}.windowsOptions.hostProcess`, 'Windows host processes are not allowed');
  }
  const appArmor = asObj(sc.appArmorProfile);
  if (appArmor && !GOOD_PROFILE_TYPES.has(String(appArmor.type))) {
    r.report(
      'pss.appArmor',
      `${at}.appArmorProfile.type`,
      `AppArmor profile type must be RuntimeDefault or Localhost, not ${String(appArmor.type)}`,
    );
  }
  const seLinux = asObj(sc.seLinuxOptions);
  if (seLinux) {
    if (!SELINUX_TYPES.has(typeof seLinux.type === 'string' ? seLinux.type : '')) {
      r.report('pss.seLinux', `${at}.seLinuxOptions.type`, `SELinux type ${String(seLinux.type)} is not allowed`);
    }
    for (const field of ['user', 'role']) {
      if (typeof seLinux[field] === 'string' && seLinux[field] !== '')
        r.report('pss.seLinux', `${at}.seLinuxOptions.${field}`, `SELinux ${field} may not be set`);
    }
  }
  const seccomp = asObj(sc.seccompProfile);
  if (seccomp && !GOOD_PROFILE_TYPES.has(String(seccomp.type))) {
    // At restricted, the restricted check replaces the baseline one (OverrideCheckIDs upstream).
    r.report(
      r.restricted ? 'pss.seccompRestricted' : 'pss.seccomp',
      `${at}.seccompProfile.type`,
      `seccomp profile ${String(seccomp.type)} is not allowed`,
    );
  }
  if (r.restricted) {
    if (sc.runAsNonRoot === false) r.report('pss.runAsNonRoot', `${at}.runAsNonRoot`, 'must be true');
    if (sc.runAsUser === 0) r.report('pss.runAsUser', `${at}.runAsUser`, 'must not be 0 (root)');
  }
}

function checkHandlerHost(handler: Obj, at: string, r: Reporter): void {
  for (const kind of HANDLER_KINDS) {
    const host = asObj(handler[kind])?.host;
    if (typeof host === 'string' && host !== '')
      r.report('pss.hostProbes', `${at}.${kind}.host`, `${kind} may not target another host (${host})`);
  }
}
