// Stopping the web server without failing a request it has begun: stop accepting, let every request
// in flight finish (each closing its connection afterwards, so a kept-alive client does not send its
// next request into a server that is going away), then close what is left at a deadline.
import type http from 'node:http';

export interface Drainer {
  /** Call for every request: it counts as in flight until its response is done. */
  track(res: http.ServerResponse): void;
  /** Stops accepting, waits for the requests in flight up to deadlineMs, then closes what is left. */
  drain(deadlineMs: number): Promise<{ drained: boolean; inFlightAtStart: number; cutOff: number }>;
}

// How often connections left idle by a finished response are closed during a drain. Node's
// server.close() closes the idle ones only once, at its start.
const SWEEP_MS = 50;

export function drainable(server: http.Server): Drainer {
  const inFlight = new Set<http.ServerResponse>();
  let draining = false;
  return {
    track(res) {
      inFlight.add(res);
      res.once('close', () => inFlight.delete(res));
      if (draining) res.setHeader('Connection', 'close');
    },

    async drain(deadlineMs) {
      draining = true;
      const inFlightAtStart = inFlight.size;
      for (const res of inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
      // No new connections; kept-alive connections with no request in progress close now.
      const closed = new Promise<'drained'>((resolve) => server.close(() => resolve('drained')));
      const sweep = setInterval(() => server.closeIdleConnections(), SWEEP_MS);
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<'deadline'>(
        (resolve) => (timer = setTimeout(() => resolve('deadline'), deadlineMs)),
      );
      const outcome = await Promise.race([closed, deadline]);
      clearInterval(sweep);
      clearTimeout(timer);
      const cutOff = inFlight.size;
      if (outcome === 'deadline') server.closeAllConnections();
      return { drained: outcome === 'drained', inFlightAtStart, cutOff };
    },
  };
}
