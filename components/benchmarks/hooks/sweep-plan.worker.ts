// Web Worker: expands a sweep definition (JSON) off the main thread and answers its summary with
// the same key, so the page can tell an answer for an older definition from the current one.
import type { SweepDefinition } from '@/lib/domain/benchmarks/matrix';
import { summarizeSweep } from './sweep-summary';

self.onmessage = (event: MessageEvent<string>) => {
  const key = event.data;
  self.postMessage({ key, state: summarizeSweep(JSON.parse(key) as SweepDefinition) });
};
