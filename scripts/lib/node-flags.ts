// The V8 flags Gantry's processes run with, and why (measured in docs/benchmarks.md).

// V8's allocation-site pretenuring put the submission path's per-request objects (query text, rows,
// parsed bodies) straight into the old generation after a burst; dead there, they kept the young
// objects they pointed to alive through every scavenge until the next full collection. Without it,
// at 1,000 submissions a second, a scavenge promotes 0.3 MB instead of 2.8 MB and pauses the
// event loop 2.7 ms instead of 8 ms (docs/benchmarks.md). k8s/base/web-deployment.yaml says the same.
export const WEB_NODE_FLAGS = ['--no-allocation-site-pretenuring'];

// The worker and the launcher (which hosts the simulated cluster) idle with a young generation V8
// sized from this machine's memory: 64 MB semi-spaces, 128 MB reserved and most of it resident after
// a few passes, though an idle worker uses under 50 MB of it. 16 MB semi-spaces cut the artifact's
// idle memory from ~960 to ~790 MB (docs/benchmarks.md, `npm run bench artifact`); a scheduler pass
// then scavenges a few more times. The web server keeps V8's default (its submission path was tuned
// with it). The launcher gets the same flag from whoever starts it (package.json's start and sim,
// the Dockerfile's entrypoint), since a running process cannot resize its heap.
export const SMALL_YOUNG_GENERATION = '--max-semi-space-size=16';
