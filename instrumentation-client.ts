// Runs in the browser before the app's own modules. zod probes for eval (`new Function`) when its
// first object schema is built, to compile faster parsers; under Gantry's CSP (no 'unsafe-eval',
// lib/http/security-headers.ts) that probe is refused and reported as a CSP violation, though zod
// catches it. jitless skips the probe; the browser's few parses do not need the compiled path.
import { z } from 'zod';

z.config({ jitless: true });
