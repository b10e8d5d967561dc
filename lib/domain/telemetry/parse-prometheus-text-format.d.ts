// The package ships no types and there is no @types package; this covers the shape dcgm.ts reads
// (parse-prometheus-text-format 1.1 README: families with name/help/type and string values).
declare module 'parse-prometheus-text-format' {
  type Labels = Record<string, string>;
  type Sample = { value: string; labels?: Labels; timestamp_ms?: string };
  type Bucketed = {
    labels?: Labels;
    buckets?: Record<string, string>;
    quantiles?: Record<string, string>;
    count: string;
    sum: string;
  };
  type Family = { name: string; help: string; type: string; metrics: (Sample | Bucketed)[] };
  export default function parsePrometheusTextFormat(text: string): Family[];
}
