// The kustomize base must render, and keep the RBAC least-privilege promises the README makes.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { hasKubectl } from './kubectl';

const kubectl = hasKubectl();
if (!kubectl) console.warn('[k8s manifests] NOT RUN: kubectl is not installed on this machine');
const root = path.resolve(import.meta.dirname, '..');

function render(dir: string) {
  const out = execFileSync('kubectl', ['kustomize', path.join(root, dir)], { encoding: 'utf8' });
  return parseAllDocuments(out).map((d) => d.toJS());
}

describe.skipIf(!kubectl)(`k8s manifests${kubectl ? '' : ' - NOT RUN: kubectl absent'}`, () => {
  it('renders the base with web, worker, service, RBAC, migration job and config', () => {
    const objs = render('k8s/base');
    const kinds = objs.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'Deployment/gantry-web',
        'Deployment/gantry-worker',
        'Service/gantry-web',
        'ServiceAccount/gantry',
        'ClusterRole/gantry-cluster-read',
        'ClusterRole/gantry-workflows',
        'ClusterRole/gantry-tenancy',
        'ClusterRole/gantry-telemetry',
        'Role/gantry-workflow-executor',
        'Job/gantry-migrate',
        'ConfigMap/gantry-config',
        'Secret/gantry-secrets',
      ]),
    );
    const role = objs.find((o) => o.kind === 'Role');
    expect(role.metadata.namespace).toBe('gantry-jobs');
    // No wildcard verbs or resources anywhere.
    for (const r of objs.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole')) {
      for (const rule of r.rules) {
        expect(rule.verbs).not.toContain('*');
        expect(rule.resources).not.toContain('*');
      }
    }
  });

  it('grants team namespaces only what Gantry keeps there, write-only Secrets and no RoleBindings', () => {
    const objs = render('k8s/base');
    const roles = objs.filter((o) => o.kind === 'Role' || o.kind === 'ClusterRole');
    const rules = roles.flatMap((r) =>
      r.rules.map((rule: { apiGroups: string[]; resources: string[]; verbs: string[] }) => ({
        role: r.metadata.name,
        ...rule,
      })),
    );
    const grants = (resource: string) => rules.filter((r) => r.resources.includes(resource)).flatMap((r) => r.verbs);
    // Gantry never reads a Secret: sweep tokens are written and deleted by name.
    expect(new Set(grants('secrets'))).toEqual(new Set(['create', 'update', 'delete']));
    expect(grants('secrets')).not.toContain('get');
    // Nobody is given permissions by Gantry: the teams' ServiceAccount has none unless an admin adds them.
    for (const resource of ['rolebindings', 'clusterrolebindings', 'roles', 'clusterroles'])
      expect(grants(resource)).toEqual([]);
    expect(rules.flatMap((r) => r.verbs)).not.toContain('escalate');
    expect(rules.flatMap((r) => r.verbs)).not.toContain('bind');
    // The namespace objects: by name, never listed or deleted.
    for (const resource of ['namespaces', 'serviceaccounts', 'resourcequotas', 'limitranges', 'networkpolicies']) {
      expect(new Set(grants(resource))).toEqual(new Set(['get', 'create', 'update']));
    }
    // GPU telemetry through the API server's pod proxy: read-only, in a role an operator can drop.
    expect(rules.filter((r) => r.resources.includes('pods/proxy'))).toEqual([
      { role: 'gantry-telemetry', apiGroups: [''], resources: ['pods/proxy'], verbs: ['get'] },
    ]);
    // Workflows are followed in every namespace with one cluster-wide list/watch.
    const workflows = rules.find((r) => r.role === 'gantry-workflows' && r.resources.includes('workflows'));
    expect(workflows?.verbs).toEqual(expect.arrayContaining(['list', 'watch', 'create', 'patch', 'update', 'delete']));
    const binding = objs.find((o) => o.kind === 'ClusterRoleBinding' && o.roleRef.name === 'gantry-tenancy');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'gantry', namespace: 'gantry' }]);
  });

  it('says why for every rule (a comment right above each one in rbac.yaml)', () => {
    const lines = fs.readFileSync(path.join(root, 'k8s/base/rbac.yaml'), 'utf8').split('\n');
    const uncommented = lines.flatMap((line, i) =>
      /^\s*- apiGroups:/.test(line) && !/^\s*#/.test(lines[i - 1] ?? '') ? [`line ${i + 1}: ${line.trim()}`] : [],
    );
    expect(uncommented).toEqual([]);
  });
});
