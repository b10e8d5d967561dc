// Plays Argo's workflow-controller for the full-size sync bench (`npm run bench workflow-sync`):
// the simulated pods top out at about 220 at once on this machine, so a 1,000-step status cannot
// be reached by running steps there. The simulated API server still stores and serves the
// Workflows (started with `argoController: false`); this writes their statuses into its store the
// way the controller does: the whole object, at most once a second per workflow, and only when a
// node changed. Each workflow is a DAG of `chains` chains; the first `doneAtStart` steps of each
// chain have already run (a workflow that has been going for a while), the rest take `stepMs`
// each. `spec.shutdown: Terminate` fails the running steps and the workflow, as Argo does.
import type { Store } from '@/lib/sim/store';

export interface DriverOptions {
  chains: number;
  stepsPerChain: number;
  doneAtStart: number;
  stepMs: number;
}

interface ArgoNode {
  id: string;
  name: string;
  displayName: string;
  type: 'DAG' | 'Pod';
  templateName: string;
  templateScope: string;
  phase: string;
  boundaryID?: string;
  startedAt: string;
  finishedAt?: string | null;
  progress?: string;
  message?: string;
  resourcesDuration?: Record<string, number>;
  outputs?: { exitCode: string };
  hostNodeName?: string;
  children?: string[];
}

interface Run {
  name: string;
  startedMs: number;
  nodes: Record<string, ArgoNode>;
  /** per chain: the index (within the chain) of the step running now, and when it started */
  step: number[];
  stepStarted: number[];
  dirty: boolean;
  done: boolean;
}

const WF = 'workflows';
const NS = 'gantry-jobs';
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** Argo's node ids are the workflow name and a hash of the node name; any stable number does here. */
function nodeId(wf: string, task: number): string {
  let h = 2166136261;
  for (const c of `${wf}.s${task}`) h = Math.imul(h ^ c.charCodeAt(0), 16777619);
  return `${wf}-${h >>> 0}`;
}

export class ArgoStatusDriver {
  private readonly runs = new Map<string, Run>();
  private timer: NodeJS.Timeout | undefined;
  /** round-robin position: a hundred workflows' writes are spread over each second */
  private cursor = 0;
  writes = 0;

  constructor(
    private readonly store: Store,
    private readonly opts: DriverOptions,
  ) {}

  /** Takes over a created Workflow: its status with the steps already run, written at once. */
  adopt(name: string, now = Date.now()): void {
    const { chains, doneAtStart, stepMs } = this.opts;
    const startedMs = now - doneAtStart * stepMs;
    const run: Run = { name, startedMs, nodes: {}, step: [], stepStarted: [], dirty: true, done: false };
    run.nodes[name] = {
      id: name,
      name,
      displayName: name,
      type: 'DAG',
      templateName: 'main',
      templateScope: `local/${name}`,
      phase: 'Running',
      startedAt: iso(startedMs),
      progress: '0/0',
      children: [],
    };
    for (let c = 0; c < chains; c++) {
      // chains out of step with each other, so the workflow changes every stepMs / chains
      const offset = Math.round((c * stepMs) / chains);
      for (let k = 0; k < doneAtStart; k++)
        this.startStep(run, c, k, startedMs - offset + k * stepMs, startedMs - offset + (k + 1) * stepMs);
      this.startStep(run, c, doneAtStart, now - offset);
    }
    this.runs.set(name, run);
    this.write(run);
  }

  /** Starts writing: each workflow is visited once a second, the visits spread evenly over it. */
  start(): void {
    const tickMs = 10;
    this.timer = setInterval(() => {
      const names = [...this.runs.keys()];
      if (!names.length) return;
      const perTick = Math.max(1, Math.ceil((names.length * tickMs) / 1000));
      const now = Date.now();
      for (let i = 0; i < perTick; i++) {
        const run = this.runs.get(names[this.cursor++ % names.length])!;
        this.advance(run, now);
        if (run.dirty) this.write(run);
      }
    }, tickMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Nodes in each workflow's status now. */
  nodeCounts(): number[] {
    return [...this.runs.values()].map((r) => Object.keys(r.nodes).length);
  }

  private task(c: number, k: number): number {
    return c + k * this.opts.chains;
  }

  /** Adds step k of chain c as Running (and Succeeded when `endMs` is given), linked from its parent. */
  private startStep(run: Run, c: number, k: number, startMs: number, endMs?: number): void {
    const id = nodeId(run.name, this.task(c, k));
    const parent = k === 0 ? run.name : nodeId(run.name, this.task(c, k - 1));
    run.nodes[parent].children = [...(run.nodes[parent].children ?? []), id];
    run.nodes[id] = {
      id,
      name: `${run.name}.s${this.task(c, k)}`,
      displayName: `s${this.task(c, k)}`,
      type: 'Pod',
      templateName: 'step',
      templateScope: `local/${run.name}`,
      phase: 'Running',
      boundaryID: run.name,
      startedAt: iso(startMs),
      finishedAt: null,
      progress: '0/1',
      hostNodeName: `sim-cpu-${(c % 2) + 1}`,
    };
    if (endMs !== undefined) this.finishStep(run.nodes[id], endMs, 'Succeeded');
    run.step[c] = k;
    run.stepStarted[c] = startMs;
    run.dirty = true;
  }

  private finishStep(node: ArgoNode, endMs: number, phase: 'Succeeded' | 'Failed', message?: string): void {
    const secs = Math.max(1, Math.round((endMs - Date.parse(node.startedAt)) / 1000));
    node.phase = phase;
    node.finishedAt = iso(endMs);
    node.progress = '1/1';
    node.resourcesDuration = { cpu: secs, memory: secs };
    node.outputs = { exitCode: phase === 'Succeeded' ? '0' : '143' };
    if (message) node.message = message;
  }

  private advance(run: Run, now: number): void {
    if (run.done) return;
    const cur = this.store.get(WF, NS, run.name);
    if (!cur) {
      run.done = true;
      return;
    }
    const { chains, stepsPerChain, stepMs } = this.opts;
    const root = run.nodes[run.name];
    if ((cur.spec as { shutdown?: string } | undefined)?.shutdown === 'Terminate') {
      const message = "Stopped with strategy 'Terminate'";
      for (const n of Object.values(run.nodes))
        if (n.phase === 'Running' && n.type === 'Pod') this.finishStep(n, now, 'Failed', message);
      Object.assign(root, { phase: 'Failed', finishedAt: iso(now), message });
      run.done = run.dirty = true;
      return;
    }
    let running = 0;
    for (let c = 0; c < chains; c++) {
      const k = run.step[c];
      const node = run.nodes[nodeId(run.name, this.task(c, k))];
      if (node.phase === 'Running' && now - run.stepStarted[c] >= stepMs) {
        this.finishStep(node, now, 'Succeeded');
        run.dirty = true;
        if (k + 1 < stepsPerChain) this.startStep(run, c, k + 1, now);
      }
      if (run.nodes[nodeId(run.name, this.task(c, run.step[c]))].phase === 'Running') running++;
    }
    if (running === 0) {
      Object.assign(root, { phase: 'Succeeded', finishedAt: iso(now) });
      run.done = true;
    }
  }

  private write(run: Run): void {
    const cur = this.store.get(WF, NS, run.name);
    if (!cur) return;
    const nodes = Object.values(run.nodes);
    const pods = nodes.filter((n) => n.type === 'Pod');
    const finished = pods.filter((n) => n.finishedAt).length;
    const root = run.nodes[run.name];
    root.progress = `${finished}/${pods.length}`;
    const seconds = pods.reduce((s, n) => s + (n.resourcesDuration?.cpu ?? 0), 0);
    const phase = root.phase;
    const status = {
      phase,
      startedAt: root.startedAt,
      finishedAt: root.finishedAt ?? null,
      progress: root.progress,
      ...(root.message ? { message: root.message } : {}),
      resourcesDuration: { cpu: seconds, memory: seconds },
      nodes: run.nodes,
    };
    const labels = {
      ...(cur.metadata.labels ?? {}),
      'workflows.argoproj.io/phase': phase,
      'workflows.argoproj.io/completed': String(phase !== 'Running'),
    };
    // The store keeps the object it is given, and this one's nodes change later: a copy of each
    // node (their arrays and objects are replaced on change, never edited, so one level is enough).
    const nodesCopy: Record<string, ArgoNode> = {};
    for (const n of nodes) nodesCopy[n.id] = { ...n };
    this.store.update(WF, { ...cur, metadata: { ...cur.metadata, labels }, status: { ...status, nodes: nodesCopy } });
    run.dirty = false;
    this.writes++;
  }
}
