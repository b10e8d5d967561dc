'use client';
import { useEffect, useRef, useState } from 'react';
import type { SweepPlanState } from './sweep-summary';

export type { SweepPlanState } from './sweep-summary';

type Answer = { key: string; state: SweepPlanState };

/**
 * The preview of a sweep, computed in a Web Worker: expanding the default sweep takes ~0.5 s,
 * which on the main thread froze the checkboxes. A change while the worker is still busy with an
 * older definition replaces the worker rather than queueing behind it.
 */
export function useSweepPlan(definition: unknown, delayMs = 150): SweepPlanState {
  const key = JSON.stringify(definition);
  const [computed, setComputed] = useState<Answer | null>(null);
  const worker = useRef<{ worker: Worker; busy: boolean } | null>(null);
  const lastKey = useRef('');

  useEffect(() => () => worker.current?.worker.terminate(), []);

  useEffect(() => {
    const timer = setTimeout(() => {
      if (worker.current?.busy) {
        worker.current.worker.terminate();
        worker.current = null;
      }
      if (!worker.current) {
        // The literal `new URL(..., import.meta.url)` is what lets the bundler emit the worker chunk.
        const w = new Worker(new URL('./sweep-plan.worker.ts', import.meta.url));
        const slot = { worker: w, busy: false };
        w.onmessage = (event: MessageEvent<Answer>) => {
          slot.busy = false;
          setComputed(event.data);
        };
        w.onerror = (event) => {
          slot.busy = false;
          setComputed({
            key: lastKey.current,
            state: { status: 'invalid', message: `Could not compute the preview: ${event.message}` },
          });
        };
        worker.current = slot;
      }
      worker.current.busy = true;
      lastKey.current = key;
      worker.current.worker.postMessage(key);
    }, delayMs);
    return () => clearTimeout(timer);
  }, [key, delayMs]);

  return computed?.key === key ? computed.state : { status: 'computing' };
}
