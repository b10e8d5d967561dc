// The submit form's fields and their mapping to the POST /api/jobs body (and back, for ?prefill=).
export interface FormState {
  name: string;
  team: string;
  kind: 'training' | 'embedding' | 'benchmark' | 'workflow';
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
  let b: Record<string, any>;
  try {
    b = JSON.parse(raw);
  } catch {
    return {};
  }
  if (!b || typeof b !== 'object') return {};
  const out: Partial<FormState> = {};
  const str = (v: unknown) => (v === undefined || v === null ? undefined : String(v));
  if (typeof b.name === 'string') out.name = b.name;
  if (typeof b.team === 'string') out.team = b.team;
  if (['training', 'embedding', 'benchmark', 'workflow'].includes(b.kind)) out.kind = b.kind;
  if (typeof b.priority === 'string') out.priority = b.priority;
  if (b.gpu && typeof b.gpu === 'object') {
    out.gpuKind = str(b.gpu.kind);
    out.gpuCount = str(b.gpu.count);
  }
  out.expectedRuntimeSeconds = str(b.expectedRuntimeSeconds);
  out.maxRuntimeSeconds = str(b.maxRuntimeSeconds);
  const spec = b.spec && typeof b.spec === 'object' ? b.spec : undefined;
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
