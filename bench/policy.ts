// The workload policy over a 1 MiB raw workflow (issue 13: it must add under 2 ms to a submission).
// The workflow is every template of the Argo reference examples the policy passes, repeated under
// fresh names until its JSON text reaches 1 MiB: real shapes (scripts, DAGs, artifacts, volumes,
// securityContexts), thousands of templates. Timed: the policy alone on the merged object (what a
// submission adds), and for scale the merge that precedes it.
import fs from 'node:fs';
import path from 'node:path';
import { env } from '@/lib/env';
import { DEFAULT_TEAM_POLICY } from '@/lib/domain/policy';
import { checkJobWorkloads, UNPLACED } from '@/lib/domain/policy/job';
import { TEAM_SERVICE_ACCOUNT } from '@/lib/domain/tenancy';
import { mergeUserWorkflow } from '@/lib/domain/workflow/builders';
import { parseYamlDocuments } from '@/lib/domain/workflow/parse';
import { Job, type RawWorkflowJob } from '@/lib/domain/workflow/job';
import type { Template, Workflow } from '@/lib/domain/workflow/types';
import { referenceDir } from './reference';

const MIB = 1024 * 1024;

function readExampleTemplates(dir: string): Template[] {
  const templates: Template[] = [];
  const walk = (folder: string) => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true })) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/.test(entry.name)) {
        for (const doc of parseYamlDocuments(fs.readFileSync(full, 'utf8'))) {
          const value = doc.toJS() as { kind?: string; spec?: { templates?: Template[] } } | null;
          if (value?.kind === 'Workflow') templates.push(...(value.spec?.templates ?? []));
        }
      }
    }
  };
  walk(dir);
  return templates;
}

function buildMiBWorkflow(templates: Template[], job: RawWorkflowJob): { workflow: Workflow; bytes: number } {
  // Only templates the policy passes: the bench times a workflow that is admitted, the common case.
  const passing = templates.filter(
    (t) =>
      checkJobWorkloads(
        job,
        {
          workflow: { apiVersion: 'argoproj.io/v1alpha1', kind: 'Workflow', metadata: {}, spec: { templates: [t] } },
          workflowTemplates: [],
        },
        DEFAULT_TEAM_POLICY,
        false,
      ).length === 0,
  );
  const workflow: Workflow = {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: 'bench-' },
    spec: { entrypoint: 'main', templates: [] },
  };
  let bytes = JSON.stringify(workflow).length;
  for (let round = 0; bytes < MIB; round++) {
    for (const template of passing) {
      const copy = { ...structuredClone(template), name: `${template.name}-${round}` };
      const size = JSON.stringify(copy).length + 1;
      if (bytes + size > MIB) return { workflow, bytes };
      workflow.spec.templates!.push(copy);
      bytes += size;
    }
  }
  return { workflow, bytes };
}

function restrictEveryContainer(workflow: Workflow): Workflow {
  const copy = structuredClone(workflow);
  copy.spec.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
  const harden = (c: unknown) => {
    if (!c || typeof c !== 'object') return;
    const container = c as Record<string, unknown>;
    container.securityContext = {
      ...(container.securityContext as object),
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      runAsNonRoot: true,
      runAsUser: 1000,
    };
  };
  // Every template, inline ones too: the pod securityContext is the workflow's, every container restricted.
  const visit = (value: unknown) => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!value || typeof value !== 'object') return;
    const t = value as Template;
    if (t.container || t.script || t.containerSet) {
      delete t.securityContext;
      [
        t.container,
        t.script,
        ...(t.containerSet?.containers ?? []),
        ...((t.sidecars as unknown[]) ?? []),
        ...((t.initContainers as unknown[]) ?? []),
      ].forEach(harden);
    }
    Object.values(value).forEach(visit);
  };
  visit(copy.spec.templates);
  return copy;
}

/**
 * Wall time, and the CPU time of this process over the same run: on a machine shared with other
 * work, wall time includes time the process waited for a core; CPU time is the work itself (it
 * includes V8's helper threads, so a collection during a run counts).
 */
function time(fn: () => void, runs: number): Record<string, number> {
  for (let i = 0; i < 20; i++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < runs; i++) {
    const c = process.cpuUsage();
    const t = performance.now();
    fn();
    wall.push(performance.now() - t);
    const used = process.cpuUsage(c);
    cpu.push((used.user + used.system) / 1000);
  }
  const at = (list: number[], q: number) =>
    Number(list.sort((a, b) => a - b)[Math.min(list.length - 1, Math.floor(q * list.length))].toFixed(3));
  return { medianMs: at(wall, 0.5), p99Ms: at(wall, 0.99), cpuMedianMs: at(cpu, 0.5), cpuP99Ms: at(cpu, 0.99) };
}

export function benchPolicy(): Array<Record<string, unknown>> | string {
  const ref = referenceDir(env().referenceDir);
  if (!ref) return `NOT RUN: reference data absent at ${env().referenceDir}`;
  const job = Job.parse({
    id: '1',
    name: 'bench',
    owner: 'ada@gantry.local',
    team: 'vision',
    priority: 'normal',
    gpu: { kind: 'a100-80gb-shared', count: 1 },
    placement: UNPLACED,
    maxRuntimeSeconds: 3600,
    kind: 'workflow',
    spec: { yaml: 'kind: Workflow' },
  }) as RawWorkflowJob;
  const { workflow, bytes } = buildMiBWorkflow(readExampleTemplates(path.join(ref, 'argo/examples')), job);
  const merged = mergeUserWorkflow(job, workflow, { serviceAccountName: TEAM_SERVICE_ACCOUNT });
  const violations = checkJobWorkloads(job, { workflow: merged, workflowTemplates: [] }, DEFAULT_TEAM_POLICY, false);
  if (violations.length > 0)
    throw new Error(`the bench workflow should pass: ${violations[0].path} ${violations[0].rule}`);
  // A restricted team's workflow says what restricted asks of every container; the check walks the
  // same objects and adds the per-container checks.
  const restricted = { ...DEFAULT_TEAM_POLICY, level: 'restricted' as const };
  const hardened = restrictEveryContainer(merged);
  const restrictedViolations = checkJobWorkloads(job, { workflow: hardened, workflowTemplates: [] }, restricted, false);
  if (restrictedViolations.length > 0)
    throw new Error(
      `the restricted bench workflow should pass: ${restrictedViolations[0].path} ${restrictedViolations[0].rule}`,
    );
  const shape = { bytes, templates: workflow.spec.templates!.length };
  return [
    {
      name: 'policy, baseline (what a submission adds)',
      ...shape,
      ...time(
        () => checkJobWorkloads(job, { workflow: merged, workflowTemplates: [] }, DEFAULT_TEAM_POLICY, false),
        500,
      ),
    },
    {
      name: 'policy, restricted',
      ...shape,
      ...time(() => checkJobWorkloads(job, { workflow: hardened, workflowTemplates: [] }, restricted, false), 500),
    },
    {
      name: 'raw-workflow merge (before the policy)',
      ...shape,
      ...time(() => mergeUserWorkflow(job, workflow, { serviceAccountName: TEAM_SERVICE_ACCOUNT }), 100),
    },
  ];
}
