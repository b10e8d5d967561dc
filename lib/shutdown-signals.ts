// SIGINT/SIGTERM handling shared by the launcher, the web server and the worker: the first signal
// starts an orderly stop, a later one forces it.
//
// Repeats within REPEAT_WINDOW_MS count as the same signal: under `npm start` a Ctrl-C reaches the
// process twice, once from the terminal and once forwarded by npm (@npmcli/run-script's
// signal-manager), and that must not skip the drain.
const REPEAT_WINDOW_MS = 1_000;

export type ShutdownSignal = 'SIGINT' | 'SIGTERM';

export function onShutdownSignal(handlers: {
  stop: (signal: ShutdownSignal) => void;
  force: (signal: ShutdownSignal) => void;
}): void {
  let firstAt: number | undefined;
  const on = (signal: ShutdownSignal) => {
    const now = Date.now();
    if (firstAt === undefined) {
      firstAt = now;
      handlers.stop(signal);
    } else if (now - firstAt > REPEAT_WINDOW_MS) {
      handlers.force(signal);
    }
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
}
