// Kubernetes resource quantities (`1900m`, `8152800Ki`, `256Gi`, `1e3`) as plain numbers.
// Follows apimachinery's resource.Quantity suffixes; lib/domain may not import the k8s client.
const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$/;

/** Parses a quantity; throws on anything apimachinery would reject, naming the value. */
export function parseQuantity(value: string | number): number {
  if (typeof value === 'number') return value;
  const m = QUANTITY.exec(value.trim());
  if (!m) throw new Error(`invalid Kubernetes quantity: ${JSON.stringify(value)}`);
  return Number(m[1]) * SUFFIX[m[2] ?? ''];
}
