// The kustomize base and both overlays render, and what they render keeps the promises an operator
// relies on: every pod sized, probed and "restricted"; one pinned Gantry release; budgets, autoscaler,
// NetworkPolicies and PodMonitors aimed at pods that exist; no database password in production; and
// alerts and dashboard built only from metrics Gantry exports (lib/metrics/registry.ts).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import {
  hasKubectl,
  hasPromtool,
  kustomize,
  podTemplates,
  restrictedViolations,
  selects,
  type K8sObject,
} from './kubectl';

const kubectl = hasKubectl();
if (!kubectl) console.warn('[k8s overlays] NOT RUN: kubectl is not installed on this machine');
const promtool = kubectl && hasPromtool();
if (!promtool)
  console.warn('[k8s alerts] NOT RUN: promtool is not installed on this machine (Debian: apt-get install prometheus)');
const root = path.resolve(import.meta.dirname, '..');
const IMAGE = 'ghcr.io/gantry-dev/gantry';
const DIRS = ['k8s/base', 'k8s/overlays/dev', 'k8s/overlays/production'];

const rendered = new Map<string, K8sObject[]>();
function render(dir: string): K8sObject[] {
  if (!rendered.has(dir)) rendered.set(dir, kustomize(path.join(root, dir)));
  return rendered.get(dir)!;
}
const find = (objs: K8sObject[], kind: string, name: string) =>
  objs.find((o) => o.kind === kind && o.metadata.name === name);
const gantryContainers = (objs: K8sObject[]) =>
  podTemplates(objs).flatMap((t) =>
    (t.spec.containers as K8sObject[])
      .filter((c) => c.image.startsWith(`${IMAGE}:`))
      .map((c) => ({ ...c, workload: t.workload })),
  );

/** The metric names Gantry exports, read from its one registry (histograms also as _bucket, _sum, _count). */
function contractMetricNames(): Set<string> {
  const source = fs.readFileSync(path.join(root, 'lib/metrics/registry.ts'), 'utf8');
  const names = new Set<string>();
  for (const m of source.matchAll(/new (Counter|Gauge|Histogram)\(\{\s*name: '([a-z_:]+)'/g)) {
    names.add(m[2]);
    if (m[1] === 'Histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(m[2] + suffix);
  }
  return names;
}

/** Parses one PromQL expression (Prometheus' own grammar); returns its metric names, throws on a syntax error. */
function metricNamesOf(expr: string): string[] {
  const tree = parser.parse(expr);
  const names: string[] = [];
  const errors: number[] = [];
  tree.iterate({
    enter(node) {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'VectorSelector') {
        const id = node.node.getChild('Identifier');
        if (id) names.push(expr.slice(id.from, id.to));
      }
    },
  });
  if (errors.length) throw new Error(`PromQL syntax error at ${errors[0]}: ${expr}`);
  return names;
}

describe.skipIf(!kubectl)(`k8s overlays${kubectl ? '' : ' - NOT RUN: kubectl absent'}`, () => {
  describe.each(DIRS)('%s', (dir) => {
    it('sizes every container: cpu and memory requests and limits', () => {
      const missing = podTemplates(render(dir)).flatMap((t) =>
        [...(t.spec.initContainers ?? []), ...t.spec.containers].flatMap((c: K8sObject) =>
          ['requests', 'limits'].flatMap((kind) =>
            ['cpu', 'memory']
              .filter((r) => !c.resources?.[kind]?.[r])
              .map((r) => `${t.workload} ${c.name}: ${kind}.${r}`),
          ),
        ),
      );
      expect(missing).toEqual([]);
    });

    // Probes belong to long-running containers. A Job's container runs to completion (readiness
    // means nothing there) and is bounded by activeDeadlineSeconds instead; init containers may
    // not have probes at all (the API server refuses them).
    it('probes every long-running container; Jobs have a deadline instead', () => {
      const templates = podTemplates(render(dir));
      const unprobed = templates
        .filter((t) => t.kind !== 'Job')
        .flatMap((t) =>
          t.spec.containers
            .filter((c: K8sObject) => !c.livenessProbe || !c.readinessProbe)
            .map((c: K8sObject) => `${t.workload} ${c.name}`),
        );
      expect(unprobed).toEqual([]);
      for (const job of render(dir).filter((o) => o.kind === 'Job'))
        expect(job.spec.activeDeadlineSeconds, job.metadata.name).toBeGreaterThan(0);
      expect(
        templates.flatMap((t) =>
          (t.spec.initContainers ?? []).filter((c: K8sObject) => c.livenessProbe || c.readinessProbe),
        ),
      ).toEqual([]);
    });

    it('runs every pod as Pod Security "restricted" asks, on a read-only root filesystem', () => {
      const violations = podTemplates(render(dir)).flatMap((t) =>
        restrictedViolations(t.spec).map((v) => `${t.workload}: ${v}`),
      );
      expect(violations).toEqual([]);
      for (const c of gantryContainers(render(dir))) {
        expect(c.securityContext.runAsUser, c.workload).toBe(10001);
        // /tmp is the only writable path the image needs
        expect(c.volumeMounts, c.workload).toEqual(
          expect.arrayContaining([expect.objectContaining({ mountPath: '/tmp' })]),
        );
      }
    });

    it('runs one Gantry release everywhere, pinned by this kustomization', () => {
      const kustomization = parseYaml(fs.readFileSync(path.join(root, dir, 'kustomization.yaml'), 'utf8'));
      const pin = kustomization.images?.find((i: { name: string }) => i.name === IMAGE);
      expect(pin?.newTag ?? pin?.digest, `${dir} pins ${IMAGE}`).toMatch(/^(\d+\.\d+\.\d+\S*|sha256:[0-9a-f]{64})$/);
      const images = podTemplates(render(dir)).flatMap((t) =>
        [...(t.spec.initContainers ?? []), ...t.spec.containers].map((c: K8sObject) => c.image as string),
      );
      for (const image of images) {
        const tag = image.includes('@') ? image.split('@')[1] : image.split('/').pop()!.split(':')[1];
        expect(tag, `${image} is pinned`).toBeTruthy();
        expect(tag).not.toBe('latest');
      }
      const gantry = gantryContainers(render(dir));
      expect(gantry.map((c) => c.workload).sort()).toEqual(
        expect.arrayContaining(['Deployment/gantry-web', 'Deployment/gantry-worker', 'Job/gantry-migrate']),
      );
      expect(new Set(gantry.map((c) => c.image))).toEqual(new Set([`${IMAGE}:${pin.newTag ?? pin.digest}`]));
    });

    it('starts web, worker and migrations as the image expects, with their ports and probes', () => {
      const objs = render(dir);
      const container = (kind: string, name: string) => find(objs, kind, name).spec.template.spec.containers[0];
      const web = container('Deployment', 'gantry-web');
      expect(web.command).toEqual(['node', '/app/gantry.mjs', 'web']);
      expect(web.ports).toEqual([{ name: 'http', containerPort: 3000 }]);
      expect([web.livenessProbe.httpGet.path, web.readinessProbe.httpGet.path, web.startupProbe.httpGet.path]).toEqual([
        '/api/healthz',
        '/api/readyz',
        '/api/healthz',
      ]);
      const worker = container('Deployment', 'gantry-worker');
      expect(worker.command).toEqual(['node', '/app/gantry.mjs', 'worker']);
      expect(worker.ports).toEqual([{ name: 'metrics', containerPort: 9464 }]);
      expect(worker.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'metrics' });
      expect(worker.env).toEqual(
        expect.arrayContaining([
          { name: 'GANTRY_WORKER_METRICS_HOST', value: '0.0.0.0' },
          { name: 'GANTRY_WORKER_METRICS_PORT', value: '9464' },
        ]),
      );
      for (const c of [web, worker]) {
        expect(c.env).toContainEqual({
          name: 'GANTRY_METRICS_TOKEN',
          valueFrom: { secretKeyRef: { name: 'gantry-secrets', key: 'metrics-token' } },
        });
      }
      expect(container('Job', 'gantry-migrate').command).toEqual(['node', '/app/gantry.mjs', 'migrate']);
      // the read-only root filesystem: Gantry's data folder on the /tmp emptyDir
      expect(find(objs, 'ConfigMap', 'gantry-config').data.GANTRY_DATA_DIR).toMatch(/^\/tmp\//);
    });

    it('aims budgets, the autoscaler, NetworkPolicies and PodMonitors at pods that exist', () => {
      const objs = render(dir);
      const templates = podTemplates(objs);
      const selected = (o: K8sObject, selector: K8sObject) =>
        templates.filter((t) => t.namespace === o.metadata.namespace && selects(selector, t.labels));
      for (const o of objs.filter((x) => x.kind === 'PodDisruptionBudget')) {
        // exactly one workload: a budget spanning two would let a drain take all of one of them
        expect(
          selected(o, o.spec.selector).map((t) => t.kind),
          `PDB ${o.metadata.name}`,
        ).toEqual(['Deployment']);
      }
      for (const o of objs.filter((x) => x.kind === 'HorizontalPodAutoscaler')) {
        const target = find(objs, o.spec.scaleTargetRef.kind, o.spec.scaleTargetRef.name);
        expect(target?.metadata.namespace, `HPA ${o.metadata.name} target`).toBe(o.metadata.namespace);
        // a fixed count in the Deployment would reset the autoscaler's on every apply
        expect(target.spec.replicas).toBeUndefined();
        expect(o.spec.minReplicas).toBeGreaterThanOrEqual(2);
        expect(o.spec.metrics).toContainEqual(
          expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) }),
        );
        const budget = objs.find(
          (p) => p.kind === 'PodDisruptionBudget' && selects(p.spec.selector, target.spec.template.metadata.labels),
        );
        expect(budget, `a PDB covers ${target.metadata.name}`).toBeDefined();
      }
      for (const o of objs.filter((x) => x.kind === 'NetworkPolicy')) {
        const pods = selected(o, o.spec.podSelector);
        expect(pods.length, `NetworkPolicy ${o.metadata.name} selects a workload`).toBeGreaterThan(0);
        // a port that no selected container listens on is a rule that admits nothing
        const listening = new Set(
          pods.flatMap((t) =>
            t.spec.containers.flatMap((c: K8sObject) => (c.ports ?? []).map((p: K8sObject) => p.containerPort)),
          ),
        );
        for (const rule of o.spec.ingress ?? [])
          for (const p of rule.ports ?? [])
            expect(listening, `${o.metadata.name} ingress port ${p.port}`).toContain(p.port);
      }
      for (const o of objs.filter((x) => x.kind === 'PodMonitor')) {
        const pods = selected(o, o.spec.selector);
        expect(pods.length, `PodMonitor ${o.metadata.name}`).toBe(1);
        for (const ep of o.spec.podMetricsEndpoints) {
          const container = pods[0].spec.containers.find((c: K8sObject) =>
            (c.ports ?? []).some((p: K8sObject) => p.name === ep.port),
          );
          expect(container, `${o.metadata.name} port ${ep.port}`).toBeDefined();
          expect(ep.path).toBe('/metrics');
          // Prometheus sends the same token the container checks
          const token = container.env.find((e: K8sObject) => e.name === 'GANTRY_METRICS_TOKEN').valueFrom.secretKeyRef;
          expect(ep.authorization).toEqual({ type: 'Bearer', credentials: token });
        }
      }
    });
  });

  it('dev: one replica each, demo data and its own PostgreSQL', () => {
    const objs = render('k8s/overlays/dev');
    expect(find(objs, 'Deployment', 'gantry-web').spec.replicas).toBe(1);
    expect(find(objs, 'Deployment', 'gantry-worker').spec.replicas).toBe(1);
    expect(find(objs, 'ConfigMap', 'gantry-config').data.GANTRY_DEMO).toBe('1');
    const url = new URL(find(objs, 'Secret', 'gantry-secrets').stringData.DATABASE_URL);
    const service = find(objs, 'Service', 'gantry-postgres');
    expect(url.hostname).toBe(`${service.metadata.name}.${service.metadata.namespace}.svc`);
    expect(podTemplates(objs).some((t) => selects({ matchLabels: service.spec.selector }, t.labels))).toBe(true);
  });

  it('production: DATABASE_URL only from Secret gantry-database, no Secret rendered with values', () => {
    const objs = render('k8s/overlays/production');
    // the overlay must not overwrite the operator's real Secrets with placeholders
    expect(objs.filter((o) => o.kind === 'Secret')).toEqual([]);
    for (const o of objs.filter((x) => x.kind === 'ConfigMap'))
      expect(Object.keys(o.data ?? {})).not.toContain('DATABASE_URL');
    for (const c of gantryContainers(objs)) {
      expect(c.env, c.workload).toContainEqual({
        name: 'DATABASE_URL',
        valueFrom: { secretKeyRef: { name: 'gantry-database', key: 'url' } },
      });
    }
    // no connection string with a password anywhere in what is applied
    expect(JSON.stringify(objs)).not.toMatch(/postgres(ql)?:\/\/[^"\s/]*:[^"\s@]*@/);
  });

  it('production: TLS ingress, autoscaler, budgets, PodMonitors, and NetworkPolicies on every Gantry pod', () => {
    const objs = render('k8s/overlays/production');
    const ingress = find(objs, 'Ingress', 'gantry-web');
    const hosts = ingress.spec.rules.map((r: K8sObject) => r.host);
    expect(ingress.spec.tls.flatMap((t: K8sObject) => t.hosts)).toEqual(hosts);
    expect(ingress.spec.tls[0].secretName).toBeTruthy();
    const backend = ingress.spec.rules[0].http.paths[0].backend.service;
    const service = find(objs, 'Service', backend.name);
    expect(service.spec.ports.map((p: K8sObject) => p.name)).toContain(backend.port.name);
    expect(new URL(find(objs, 'ConfigMap', 'gantry-config').data.NEXTAUTH_URL).host).toBe(hosts[0]);

    const names = (kind: string) =>
      objs
        .filter((o) => o.kind === kind)
        .map((o) => o.metadata.name)
        .sort();
    expect(names('HorizontalPodAutoscaler')).toEqual(['gantry-web']);
    expect(names('PodDisruptionBudget')).toEqual(['gantry-web', 'gantry-worker']);
    expect(names('PodMonitor')).toEqual(['gantry-web', 'gantry-worker']);
    const policies = objs.filter((o) => o.kind === 'NetworkPolicy');
    for (const t of podTemplates(objs)) {
      const own = policies.filter((p) => selects(p.spec.podSelector, t.labels));
      expect(own.flatMap((p) => p.spec.policyTypes).sort(), `${t.workload} is isolated both ways`).toEqual([
        'Egress',
        'Ingress',
      ]);
    }
    const worker = find(objs, 'NetworkPolicy', 'gantry-worker');
    // the worker serves nothing but its metrics port
    expect(worker.spec.ingress.flatMap((r: K8sObject) => r.ports.map((p: K8sObject) => p.port))).toEqual([9464]);
    // The wide internet only for webhooks (HTTPS), never the private ranges where cluster services
    // and the cloud metadata endpoint live; migrations reach nothing wide at all.
    for (const policy of policies) {
      for (const rule of policy.spec.egress) {
        for (const block of rule.to.filter((t: K8sObject) => t.ipBlock).map((t: K8sObject) => t.ipBlock)) {
          if (Number(block.cidr.split('/')[1]) >= 16) continue;
          expect(policy.metadata.name).not.toBe('gantry-migrate');
          expect(rule.ports, `${policy.metadata.name} ${block.cidr}`).toEqual([{ protocol: 'TCP', port: 443 }]);
          expect(block.except).toEqual(
            expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16']),
          );
        }
      }
    }
    const webSources = find(objs, 'NetworkPolicy', 'gantry-web').spec.ingress.flatMap((r: K8sObject) => r.from);
    expect(webSources).toContainEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } },
    });
  });

  // The README's own overlay over production, as an operator copies it: it must render and replace
  // every placeholder, and its JSON-patch "test" operations fail when a patched rule has moved.
  it('production: the README example replaces every placeholder', () => {
    const readme = fs.readFileSync(path.join(root, 'k8s/README.md'), 'utf8');
    const example = /```yaml\n(\s*# my-gantry\/kustomization\.yaml[\s\S]*?)```/.exec(readme)![1].replace(/^ {3}/gm, '');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-overlay-'));
    try {
      const base = path.relative(dir, path.join(root, 'k8s/overlays/production'));
      fs.writeFileSync(
        path.join(dir, 'kustomization.yaml'),
        example.replace('../gantry/k8s/overlays/production', base),
      );
      const text = JSON.stringify(kustomize(dir));
      for (const placeholder of ['192.0.2.10', '198.51.100.0', '203.0.113.25', 'gantry.example.com', '"gantry-tls"'])
        expect(text, placeholder).not.toContain(placeholder);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('production: alerts from exported metrics only, each with for, severity, summary and runbook', () => {
    const known = contractMetricNames();
    expect(known.size).toBeGreaterThan(10);
    const objs = render('k8s/overlays/production');
    const rules = objs
      .filter((o) => o.kind === 'PrometheusRule')
      .flatMap((o) => o.spec.groups.flatMap((g: K8sObject) => g.rules));
    const readme = fs.readFileSync(path.join(root, 'k8s/README.md'), 'utf8');
    for (const rule of rules) {
      const names = metricNamesOf(rule.expr);
      expect(
        names.filter((n) => !known.has(n)),
        rule.alert,
      ).toEqual([]);
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
      expect(['critical', 'warning']).toContain(rule.labels.severity);
      expect(rule.annotations.summary && rule.annotations.description, rule.alert).toBeTruthy();
      expect(rule.annotations.runbook, rule.alert).toContain(`k8s/README.md#${rule.alert.toLowerCase()}`);
      expect(readme, `runbook section for ${rule.alert}`).toContain(`### ${rule.alert}`);
    }
    // the five conditions of issue 14: loop stalled, pass slow, queue growing with free GPUs, database, telemetry
    const alerts = new Map<string, string>(rules.map((r: K8sObject) => [r.alert, r.expr]));
    expect(alerts.get('GantryWorkerLoopStalled')).toContain('gantry_worker_loop_last_success_timestamp_seconds');
    expect(alerts.get('GantrySchedulerPassSlow')).toMatch(
      /histogram_quantile\(0\.99, .*gantry_scheduler_pass_duration_seconds_bucket/,
    );
    expect(alerts.get('GantryQueueGrowingWithFreeCapacity')).toMatch(
      /gantry_queue_jobs\{state="queued"\}[\s\S]*allocatable[\s\S]*allocated/,
    );
    expect(alerts.get('GantryDatabaseUnavailable')).toMatch(/gantry_db_up\) == 0 or absent\(gantry_db_up\)/);
    expect(alerts.get('GantryTelemetryScrapesFailing')).toContain('gantry_telemetry_scrapes_total{result="error"}');
  });

  it('production: ships the Grafana dashboard, built from Gantry and process metrics only', () => {
    const file = fs.readFileSync(path.join(root, 'k8s/monitoring/grafana-dashboard.json'), 'utf8');
    const dashboard = JSON.parse(file);
    const configMap = find(render('k8s/overlays/production'), 'ConfigMap', 'gantry-grafana-dashboard');
    expect(configMap.metadata.labels.grafana_dashboard).toBe('1');
    expect(JSON.parse(configMap.data['gantry.json'])).toEqual(dashboard);

    const known = contractMetricNames();
    const panels = dashboard.panels.filter((p: K8sObject) => p.type !== 'row');
    expect(new Set(dashboard.panels.map((p: K8sObject) => p.id)).size).toBe(dashboard.panels.length);
    const used = new Set<string>();
    for (const panel of panels) {
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const t of panel.targets) {
        // Grafana's interval variables are no PromQL; label values like "$team" sit inside strings
        for (const n of metricNamesOf(t.expr.replaceAll('$__rate_interval', '5m'))) used.add(n);
      }
    }
    for (const v of dashboard.templating.list.filter((x: K8sObject) => x.type === 'query'))
      used.add(/label_values\((\w+),/.exec(v.definition)![1]);
    expect([...used].filter((n) => !known.has(n) && !/^(process|nodejs)_/.test(n))).toEqual([]);
    // what issue 14 asks the dashboard to show
    for (const n of [
      'gantry_queue_jobs',
      'gantry_scheduler_admissions_total',
      'gantry_scheduler_preemptions_total',
      'gantry_scheduler_pass_duration_seconds_bucket',
      'gantry_scheduler_decision_latency_seconds_bucket',
      'gantry_http_request_duration_seconds_bucket',
      'gantry_http_request_duration_seconds_count',
      'gantry_db_up',
      'gantry_db_pool_connections',
      'gantry_worker_loop_last_success_timestamp_seconds',
      'gantry_telemetry_scrapes_total',
      'process_resident_memory_bytes',
      'process_cpu_seconds_total',
    ])
      expect(used, n).toContain(n);
  });
});

// The alerts' behaviour, not only their syntax: synthetic series in, which alerts fire out
// (k8s/monitoring/alerts.test.yaml), evaluated by Prometheus' own rule engine.
describe.skipIf(!promtool)(`k8s alerts${promtool ? '' : ' - NOT RUN: promtool absent'}`, () => {
  it('fire on a stalled loop, slow passes, a queue growing beside free GPUs, a lost database and failing scrapes, and only then', () => {
    const rule = kustomize(path.join(root, 'k8s/monitoring')).find((o) => o.kind === 'PrometheusRule');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'gantry-alerts-'));
    try {
      fs.writeFileSync(path.join(dir, 'alerts.rules.yaml'), stringifyYaml({ groups: rule.spec.groups }));
      fs.copyFileSync(path.join(root, 'k8s/monitoring/alerts.test.yaml'), path.join(dir, 'alerts.test.yaml'));
      const run = spawnSync('promtool', ['test', 'rules', path.join(dir, 'alerts.test.yaml')], { encoding: 'utf8' });
      expect(run.stdout + run.stderr).toContain('SUCCESS');
      expect(run.status, run.stdout + run.stderr).toBe(0);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
