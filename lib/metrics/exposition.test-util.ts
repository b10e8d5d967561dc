// Tests read the exposition the way Prometheus does: parsed (parse-prometheus-text-format), then
// looked up by family and labels, so a test fails on text Prometheus could not read.
// The library folds a histogram's samples into one bucket map and drops _count and _sum of any
// histogram with labels (flattenMetrics keeps only unlabelled ones), so histograms are read as
// untyped families: `name_bucket`, `name_sum` and `name_count`, each sample with its labels (a
// histogram writes them label set by label set, so families of one name are merged).
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

type Labels = Record<string, string>;

export interface Exposition {
  families: ReturnType<typeof parsePrometheusTextFormat>;
  /** A counter's or gauge's value for exactly these labels (a subset match); undefined when absent. */
  value(name: string, labels?: Labels): number | undefined;
  /** A histogram's sample count for these labels. */
  count(name: string, labels?: Labels): number | undefined;
  /** Every label set a family has. */
  labels(name: string): Labels[];
}

export function parseExposition(text: string): Exposition {
  const untyped = text.replace(/^# TYPE (\S+) histogram$/gm, '# TYPE $1 untyped');
  const families: ReturnType<typeof parsePrometheusTextFormat> = [];
  for (const family of parsePrometheusTextFormat(untyped.endsWith('\n') ? untyped : `${untyped}\n`)) {
    const same = families.find((f) => f.name === family.name);
    if (same) same.metrics.push(...family.metrics);
    else families.push(family);
  }
  const find = (name: string, labels: Labels = {}) =>
    families
      .find((f) => f.name === name)
      ?.metrics.find((m) => Object.entries(labels).every(([k, v]) => (m.labels ?? {})[k] === v));
  return {
    families,
    value(name, labels) {
      const m = find(name, labels);
      return m && 'value' in m ? Number(m.value) : undefined;
    },
    count(name, labels) {
      const m = find(`${name}_count`, labels);
      return m && 'value' in m ? Number(m.value) : undefined;
    },
    labels(name) {
      return (families.find((f) => f.name === name)?.metrics ?? []).map((m) => m.labels ?? {});
    },
  };
}
