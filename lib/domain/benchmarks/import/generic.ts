// Generic import of results a team measured elsewhere: CSV with one column per BenchmarkResult
// field and per metric key (tokensPerSecond, ttftP95Ms ...), or JSON (an array of BenchmarkResult
// objects, or of the same flat rows). Bad rows are reported by line and field, good rows kept.
import { stringify } from 'csv-stringify/sync';
import { BenchmarkResult, METRIC_KEYS } from '../results';
import { parseCsvRecords, readNumber, readPositiveInt } from './fields';

const GENERIC_SOURCE = 'import';

interface ImportIssue {
  /** 1-based data row (CSV: the header is row 0) or array index + 1 (JSON) */
  row: number;
  field: string;
  message: string;
}

export interface ImportOutcome {
  results: BenchmarkResult[];
  issues: ImportIssue[];
}

const TEXT_FIELDS = ['model', 'engine', 'quantization', 'precision', 'gpuKind', 'scenario'] as const;
const INT_FIELDS = ['gpuCount', 'batchSize', 'concurrency'] as const;
const NUMBER_FIELDS = ['inputTokens', 'outputTokens'] as const;

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);

/** A flat record (CSV row or flat JSON object) shaped into BenchmarkResult input. */
function shapeRecord(r: Record<string, unknown>, source: string): Record<string, unknown> {
  const nested = (r.metrics && typeof r.metrics === 'object' ? r.metrics : {}) as Record<string, unknown>;
  const metrics: Record<string, unknown> = {};
  for (const k of METRIC_KEYS) {
    const raw = nested[k] ?? r[k];
    if (raw === undefined || raw === null || raw === '') continue;
    // Keep non-numbers as they are, so validation names the field instead of dropping it.
    metrics[k] = readNumber(raw) ?? raw;
  }
  const out: Record<string, unknown> = {
    source: text(r.source) ?? source,
    attempt: r.attempt === undefined || r.attempt === '' ? 1 : (readNumber(r.attempt) ?? r.attempt),
    metrics,
  };
  for (const k of TEXT_FIELDS) out[k] = text(r[k]);
  for (const k of INT_FIELDS)
    out[k] = r[k] === undefined || r[k] === '' || r[k] === null ? null : (readPositiveInt(r[k]) ?? r[k]);
  for (const k of NUMBER_FIELDS)
    out[k] = r[k] === undefined || r[k] === '' || r[k] === null ? null : (readNumber(r[k]) ?? r[k]);
  // Without an id, the row's own settings make one, so importing the same file twice collides.
  out.configurationId =
    text(r.configurationId) ??
    `${out.source}:${[
      out.model,
      out.engine,
      out.quantization,
      out.precision,
      out.gpuKind,
      out.gpuCount,
      out.batchSize,
      out.inputTokens,
      out.outputTokens,
    ]
      .map((v) => v ?? '-')
      .join('/')}`;
  return out;
}

function validateRecords(records: Record<string, unknown>[], source: string): ImportOutcome {
  const out: ImportOutcome = { results: [], issues: [] };
  records.forEach((r, i) => {
    const parsed = BenchmarkResult.safeParse(shapeRecord(r, source));
    if (parsed.success) out.results.push(parsed.data);
    else
      for (const issue of parsed.error.issues) {
        out.issues.push({ row: i + 1, field: issue.path.join('.') || 'row', message: issue.message });
      }
  });
  return out;
}

export function importResultsCsv(csvText: string, source = GENERIC_SOURCE): ImportOutcome {
  return validateRecords(parseCsvRecords(csvText), source);
}

export function importResultsJson(jsonText: string, source = GENERIC_SOURCE): ImportOutcome {
  let data: unknown;
  try {
    data = JSON.parse(jsonText);
  } catch (e) {
    return { results: [], issues: [{ row: 0, field: 'file', message: `not JSON: ${(e as Error).message}` }] };
  }
  if (!Array.isArray(data)) {
    return { results: [], issues: [{ row: 0, field: 'file', message: 'expected a JSON array of results' }] };
  }
  const bad = data.findIndex((r) => !r || typeof r !== 'object' || Array.isArray(r));
  if (bad >= 0) return { results: [], issues: [{ row: bad + 1, field: 'row', message: 'expected an object' }] };
  return validateRecords(data as Record<string, unknown>[], source);
}

const CSV_COLUMNS = [
  'configurationId',
  'attempt',
  'source',
  'model',
  'engine',
  'quantization',
  'precision',
  'gpuKind',
  'gpuCount',
  'batchSize',
  'concurrency',
  'inputTokens',
  'outputTokens',
  'scenario',
  ...METRIC_KEYS,
] as const;

/** The CSV that importResultsCsv reads back unchanged (for export and round trips). */
export function formatResultsCsv(results: readonly BenchmarkResult[]): string {
  const rows = results.map((r) =>
    CSV_COLUMNS.map((c) => {
      const v = c in r.metrics ? r.metrics[c as keyof typeof r.metrics] : (r as Record<string, unknown>)[c];
      return v === null || v === undefined ? '' : v;
    }),
  );
  return stringify([CSV_COLUMNS, ...rows]);
}
