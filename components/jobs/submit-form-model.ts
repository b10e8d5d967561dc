// The submit form's fields and their mapping to the POST /api/jobs body (and back, for ?prefill=).
import { JobKind } from '@/lib/domain/terms';

/** What the Kind select shows for each job kind. */
export const KIND_LABELS: Record<JobKind, string> = {
  training: 'Training run',
  embedding: 'Embedding pipeline (spec as JSON)',
  benchmark: 'Benchmark sweep (spec as JSON)',
  workflow: 'Argo workflow (YAML)',
};

/** The training spec's fields, edited as text (command and arguments split on whitespace). */
export const TRAINING_FIELDS = [
  { name: 'image', label: 'Image', placeholder: 'ghcr.io/acme/train:1.4' },
  { name: 'command', label: 'Command', placeholder: 'python train.py' },
  { name: 'args', label: 'Arguments', placeholder: '--lr 3e-4' },
] as const;

export interface FormState {
  name: string;
  team: string;
  kind: JobKind;
  priority: string;
  gpuKind: string;
  gpuCount: string;
  expectedRuntimeSeconds: string;
  maxRuntimeSeconds: string;
  image: string;
  command: string;
  args: string;
  /** For kinds other than training: the spec as JSON (workflow: the YAML itself). */
  specText: string;
}

export const EMPTY_FORM: FormState = {
  name: '',
  team: '',
  kind: 'training',
  priority: 'normal',
  gpuKind: '',
  gpuCount: '1',
  expectedRuntimeSeconds: '3600',
  maxRuntimeSeconds: '14400',
  image: '',
  command: '',
  args: '',
  specText: '',
};

const words = (s: string) => s.split(/\s+/).filter(Boolean);

export function toBody(f: FormState): Record<string, unknown> {
  let spec: unknown;
  if (f.kind === 'training') {
    spec = { image: f.image, command: words(f.command), args: words(f.args) };
  } else if (f.kind === 'workflow') {
    spec = { yaml: f.specText };
  } else {
    try {
      spec = f.specText.trim() ? JSON.parse(f.specText) : {};
    } catch {
      spec = f.specText;
    }
  }
  const num = (s: string) => (s.trim() === '' ? undefined : Number(s));
  return {
    name: f.name,
    kind: f.kind,
    ...(f.team ? { team: f.team } : {}),
    priority: f.priority,
    gpu: { kind: f.gpuKind, count: num(f.gpuCount) },
    expectedRuntimeSeconds: num(f.expectedRuntimeSeconds),
    maxRuntimeSeconds: num(f.maxRuntimeSeconds),
    spec,
  };
}

/** `?prefill=<urlencoded JSON body>` -> form fields; unknown or malformed input is ignored. */
export function fromPrefill(raw: string | null): Partial<FormState> {
  if (!raw) return {};
  let b: unknown;
  try {
    b = JSON.parse(raw);
  } catch {
    return {};
  }
  if (!isRecord(b)) return {};
  const out: Partial<FormState> = {};
  const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
  if (typeof b.name === 'string') out.name = b.name;
  if (typeof b.team === 'string') out.team = b.team;
  const kind = JobKind.safeParse(b.kind);
  if (kind.success) out.kind = kind.data;
  if (typeof b.priority === 'string') out.priority = b.priority;
  if (isRecord(b.gpu)) {
    out.gpuKind = str(b.gpu.kind);
    out.gpuCount = str(b.gpu.count);
  }
  out.expectedRuntimeSeconds = str(b.expectedRuntimeSeconds);
  out.maxRuntimeSeconds = str(b.maxRuntimeSeconds);
  const spec = isRecord(b.spec) ? b.spec : undefined;
  if (spec && (out.kind ?? 'training') === 'training') {
    out.image = str(spec.image);
    if (Array.isArray(spec.command)) out.command = spec.command.join(' ');
    if (Array.isArray(spec.args)) out.args = spec.args.join(' ');
  } else if (spec && out.kind === 'workflow') {
    out.specText = str(spec.yaml);
  } else if (spec) {
    out.specText = JSON.stringify(spec, null, 2);
  }
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null;
}
