import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { describeWithReference, referencePath } from '@/lib/testing/reference';
import { fnv32a, stepPodName, workflowNodeId } from './pod-name';

describe('Argo pod names', () => {
  it('hashes as Argo does (vectors of ui/src/shared/pod-name.test.ts)', () => {
    expect(fnv32a('hello')).toBe(1335831723);
    expect(fnv32a('world')).toBe(933488787);
    expect(fnv32a('You cannot alter your fate. However, you can rise to meet it.')).toBe(827171719);
  });

  it('names the root node after the workflow and cuts a long prefix to fit 253 characters', () => {
    expect(stepPodName('gantry-7', 'gantry-7', 'main')).toBe('gantry-7');
    expect(workflowNodeId('gantry-7', 'gantry-7')).toBe('gantry-7');
    const long = stepPodName('w'.repeat(120), `${'w'.repeat(120)}.a`, 't'.repeat(150));
    expect(long).toHaveLength(253);
    expect(long.slice(0, 242)).toBe(`${'w'.repeat(120)}-${'t'.repeat(121)}`);
  });

  it('hashes the UTF-8 bytes of a name, and uses the workflow alone without a template name', () => {
    expect(stepPodName('gantry-7', 'gantry-7.ünïcode', 'main')).toBe('gantry-7-main-1289331348');
    expect(stepPodName('w', 'w.a', undefined)).toBe(workflowNodeId('w', 'w.a'));
  });
});

type FixtureNode = {
  name?: string;
  type?: string;
  templateName?: string;
  outputs?: { artifacts?: Array<{ s3?: { key?: string } }> };
};
type FixtureWorkflow = { metadata?: { name?: string }; status?: { nodes?: Record<string, FixtureNode> } };

function readFixtures(dir: string): FixtureWorkflow[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) return readFixtures(file);
    if (entry.name.startsWith('_')) return [];
    const text = fs.readFileSync(file, 'utf8');
    if (entry.name.endsWith('.json')) return [JSON.parse(text) as FixtureWorkflow];
    return YAML.parseAllDocuments(text).map((doc) => doc.toJSON() as FixtureWorkflow);
  });
}

describeWithReference('Argo pod names in real status trees', () => {
  // A Pod node's log artifact is stored under `<workflow>/<pod>/main.log`, so the key names its pod:
  // POD_NAMES=v2 names, or the node id for workflows from before v2 (Argo < 3.2, or v1 chosen).
  it('matches the pod named in every log artifact key of argo/status-fixtures', () => {
    const seen = { v2: 0, v1: 0 };
    const misses: string[] = [];
    for (const wf of readFixtures(referencePath('argo/status-fixtures'))) {
      const name = wf?.metadata?.name;
      for (const node of Object.values(wf?.status?.nodes ?? {})) {
        if (!name || node.type !== 'Pod' || !node.name) continue;
        for (const artifact of node.outputs?.artifacts ?? []) {
          const [owner, pod] = (artifact.s3?.key ?? '').split('/');
          if (owner !== name || !pod) continue;
          if (pod === stepPodName(name, node.name, node.templateName)) seen.v2++;
          else if (pod === workflowNodeId(name, node.name)) seen.v1++;
          else misses.push(`${name}: ${node.name} -> ${pod}`);
        }
      }
    }
    expect(misses).toEqual([]);
    expect(seen).toEqual({ v2: 56, v1: 41 });
  });
});
