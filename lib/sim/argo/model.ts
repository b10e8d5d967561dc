// What a step "does" in the simulation. The sim runs no images, so duration, exit code, outputs
// and log lines come from a deterministic model: explicit hints first (annotations
// `gantry.dev/sim-*`, env `GANTRY_SIM_*`, `sleep N` / `exit N` in the command), then seeded draws.
import { draw } from '../rand';

export type StepHints = Record<string, string | undefined>;

export type StepPlan = {
  /** Simulated seconds the main container runs (divide by speed for wall time). */
  seconds: number;
  exitCode: number;
  result: string;
  /** The pod holds its GPUs without using them (the idle-allocation case telemetry must flag). */
  gpuIdle: boolean;
  kind: 'train' | 'embed' | 'bench' | 'echo' | 'generic';
  echo: string[];
};

export type PlanInput = {
  seed: number;
  failureRate: number;
  key: string; // workflow uid + node name: unique per step attempt
  attempt: number;
  hints: StepHints; // annotations and env merged, keys without prefix: duration-seconds, fail, ...
  command: string[];
  source?: string; // script templates
  templateName: string;
  image: string;
  gpus: number;
};

/** Collects hints from annotations (`gantry.dev/sim-x`) and env (`GANTRY_SIM_X`) into `x`. */
export function collectHints(
  annotations: Record<string, string> | undefined,
  env: Array<{ name: string; value?: string }> | undefined,
): StepHints {
  const out: StepHints = {};
  for (const [k, v] of Object.entries(annotations ?? {}))
    if (k.startsWith('gantry.dev/sim-')) out[k.slice('gantry.dev/sim-'.length)] = v;
  for (const e of env ?? []) {
    if (e.name.startsWith('GANTRY_SIM_') && e.value !== undefined)
      out[e.name.slice(11).toLowerCase().replace(/_/g, '-')] = e.value;
  }
  return out;
}

function echoLines(command: string[]): string[] {
  if (command[0] === 'echo') return [command.slice(1).join(' ')];
  const script = command.join(' ');
  const out: string[] = [];
  for (const m of script.matchAll(/\becho\s+(?:"([^"]*)"|'([^']*)'|([^;&|\n]*))/g))
    out.push((m[1] ?? m[2] ?? m[3] ?? '').trim());
  const cowsay = /^cowsay$/.test(command[0] ?? '') ? command.slice(1).join(' ') : undefined;
  if (cowsay) out.push(cowsay);
  return out;
}

export function planStep(p: PlanInput): StepPlan {
  const text = [...p.command, p.source ?? ''].join(' ');
  const d = (purpose: string) => draw(p.seed, `${p.key}:${purpose}`);
  const hay = `${p.templateName} ${p.image} ${text}`.toLowerCase();
  const kind: StepPlan['kind'] = /train|finetune|fine-tune|torchrun|epoch/.test(hay)
    ? 'train'
    : /embed/.test(hay)
      ? 'embed'
      : /bench|sweep|vllm|inference/.test(hay)
        ? 'bench'
        : echoLines(p.command).length
          ? 'echo'
          : 'generic';

  let seconds: number;
  const hinted = Number(p.hints['duration-seconds']);
  const sleep = /\bsleep\s+(\d+(?:\.\d+)?)/.exec(text);
  if (p.hints['duration-seconds'] !== undefined && Number.isFinite(hinted) && hinted >= 0) seconds = hinted;
  else if (sleep) seconds = Number(sleep[1]) + 1;
  else if (p.gpus > 0 || kind === 'train' || kind === 'embed') seconds = Math.round(30 + 570 * d('duration') ** 2);
  else seconds = Math.round(2 + 40 * d('duration') ** 2);

  let exitCode = 0;
  const fail = p.hints.fail;
  const failAttempts = Number(p.hints['fail-attempts']);
  const exitInScript = /\bexit\s+([1-9]\d*)\b/.exec(text) ?? /sys\.exit\(([1-9]\d*)\)/.exec(text);
  if (p.hints['exit-code'] !== undefined && Number(p.hints['exit-code']) !== 0) exitCode = Number(p.hints['exit-code']);
  else if (fail === 'true' || fail === '1') exitCode = 1;
  else if (fail !== undefined && Number(fail) > 0 && Number(fail) < 1) exitCode = d('fail') < Number(fail) ? 1 : 0;
  else if (Number.isInteger(failAttempts) && failAttempts > 0) exitCode = p.attempt < failAttempts ? 1 : 0;
  else if (fail === 'false' || fail === '0') exitCode = 0;
  else if (exitInScript) exitCode = Number(exitInScript[1]);
  else if (/random\.choice\(\[\s*0\s*,\s*1\s*,\s*1\s*\]\)/.test(text))
    exitCode = d('coin') < 2 / 3 ? 1 : 0; // Argo's retry examples
  else if (d('fail') < p.failureRate) exitCode = d('oom') < 0.25 ? 137 : 1;

  let result = p.hints.result ?? '';
  if (p.hints.result === undefined) {
    const range = /range\(\s*(\d+)\s*,\s*(\d+)\s*\)/.exec(p.source ?? '');
    const randint = /randint\(\s*(\d+)\s*,\s*(\d+)\s*\)/.exec(text);
    if (range)
      result = JSON.stringify(
        Array.from({ length: Math.max(0, Number(range[2]) - Number(range[1])) }, (_, i) => Number(range[1]) + i),
      );
    else if (/random\.randint\(0,\s*1\)\s*==\s*0|heads|tails/.test(text) && /heads/.test(text))
      result = d('coin') < 0.5 ? 'heads' : 'tails';
    else if (randint)
      result = String(Number(randint[1]) + Math.floor(d('randint') * (Number(randint[2]) - Number(randint[1]) + 1)));
    else result = echoLines(p.command).join('\n');
  }
  const idleHint = p.hints['gpu-idle'];
  const gpuIdle = p.gpus > 0 && (idleHint === 'true' || (idleHint === undefined && d('idle') < 0.1));
  return { seconds, exitCode, result, gpuIdle, kind, echo: echoLines(p.command) };
}

/** Number of log lines the step writes over its whole run. */
export function logLineCount(plan: StepPlan): number {
  if (plan.kind === 'echo') return plan.echo.length + (plan.exitCode ? 1 : 0);
  return Math.max(4, Math.min(400, Math.round(plan.seconds / 3))) + (plan.exitCode ? 3 : 1);
}

/** Line i of the step's log; a pure function, so logs are never stored. */
export function logLine(plan: StepPlan, i: number, key: string, seed: number): string {
  const n = logLineCount(plan);
  const body = n - (plan.exitCode ? 3 : 1);
  if (plan.kind === 'echo') return i < plan.echo.length ? plan.echo[i] : `exit status ${plan.exitCode}`;
  if (i >= body) {
    if (!plan.exitCode)
      return plan.kind === 'train' ? 'training complete, checkpoint saved to /mnt/checkpoints/final' : 'done';
    const tail =
      plan.exitCode === 137
        ? ['RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB', 'Killed', `exit status ${plan.exitCode}`]
        : [
            'Traceback (most recent call last):',
            'RuntimeError: NCCL error in: ../torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:1275, unhandled system error',
            `exit status ${plan.exitCode}`,
          ];
    return tail[i - body];
  }
  const r = draw(seed, `${key}:log:${i}`);
  const frac = (i + 1) / body;
  switch (plan.kind) {
    case 'train': {
      const epochs = 10;
      const epoch = Math.min(epochs, 1 + Math.floor(frac * epochs));
      const loss = (2.6 * Math.exp(-2.2 * frac) + 0.15 + r * 0.05).toFixed(4);
      return `epoch ${epoch}/${epochs} step ${i * 50} loss=${loss} lr=${(3e-4 * (1 - frac * 0.9)).toExponential(2)} throughput=${Math.round(1800 + r * 200)} samples/s`;
    }
    case 'embed': {
      const total = body * 4096;
      return `embedded ${Math.min(total, (i + 1) * 4096)}/${total} documents (batch 512, ${Math.round(3000 + r * 600)} docs/s)`;
    }
    case 'bench':
      return `request ${(i + 1) * 32}: ttft_ms=${(40 + r * 30).toFixed(1)} itl_ms=${(9 + r * 4).toFixed(2)} tokens/s=${Math.round(2200 + r * 500)}`;
    default:
      return `processing shard ${i + 1}/${body} (${(frac * 100).toFixed(0)}%)`;
  }
}
