// The kustomize base must render, and keep the RBAC least-privilege promises the README makes.
import { execFileSync } from 'node:child_process';
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
        'Role/gantry-jobs',
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
});
