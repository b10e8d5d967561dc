# Gantry's image: the production artifact of `npm run build` (scripts/build.ts) on Node 24 slim.
#
#   docker build -t ghcr.io/gantry-dev/gantry:0.1.0 .
#   docker run --rm -p 3000:3000 -v gantry-data:/data ghcr.io/gantry-dev/gantry:0.1.0   # all in one
#
# The entrypoint is the bundled launcher: `start` (default: embedded PostgreSQL, simulated cluster
# unless a kubeconfig or the in-cluster service account is there, web server, worker), or one part
# per container: `web`, `worker`, `migrate` (k8s/ runs these with an external DATABASE_URL), `sim`.
# Runs as UID/GID 10001 and writes only to /tmp and /data (GANTRY_DATA_DIR), so a read-only root
# filesystem works; with an external DATABASE_URL, /tmp is the only writable path needed.

# Pinned by tag: the same Node as .nvmrc and the `node` package in package.json. For reproducible
# production builds, pin the digest too (node:24.21.0-slim@sha256:...).
ARG NODE_IMAGE=node:24.21.0-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
ENV NEXT_TELEMETRY_DISABLED=1
# Dependencies first, so a source change reuses this layer. `npm ci` installs exactly the lockfile
# (and, like `npm install`, only this platform's PostgreSQL and esbuild binaries); its postinstall
# applies patches/ (patch-package: the postgres driver's fix for lost connections).
COPY package.json package-lock.json .nvmrc ./
COPY patches/ ./patches/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build

FROM ${NODE_IMAGE} AS runtime
# tini as PID 1 for `docker run`: forwards SIGTERM to the launcher, which stops the web server (drain),
# the worker, PostgreSQL and the simulated cluster in order, and reaps what they leave behind.
# (Kubernetes manifests set `command: ["node", ...]`, so there node is PID 1: the web server and the
# worker each handle SIGTERM themselves and start no children.)
RUN apt-get update \
  && apt-get install -y --no-install-recommends tini \
  && rm -rf /var/lib/apt/lists/* \
  && groupadd --gid 10001 gantry \
  && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin gantry \
  && mkdir -p /data \
  && chown 10001:10001 /data
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOST=0.0.0.0 \
    PORT=3000 \
    GANTRY_DATA_DIR=/data
WORKDIR /app
# Owned by root and not writable by the app: only the artifact, no sources, no dev dependencies.
COPY --from=build /src/dist/ /app/
# Next writes its caches under .next/cache; on a read-only root they go to /tmp.
RUN ln -s /tmp /app/.next/cache
USER 10001:10001
EXPOSE 3000 9464
VOLUME ["/data"]
# Node, not curl (the slim image has none): the web server's liveness, or the worker's own
# /healthz when the container runs the worker.
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
  CMD ["node", "-e", "const w=require('fs').readFileSync('/proc/1/cmdline','utf8').split('\\0').includes('worker');fetch(w?`http://127.0.0.1:${process.env.GANTRY_WORKER_METRICS_PORT||9464}/healthz`:`http://127.0.0.1:${process.env.PORT||3000}/api/healthz`).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# The launcher's young generation capped as scripts/gantry.ts explains (SMALL_YOUNG_GENERATION).
ENTRYPOINT ["/usr/bin/tini", "--", "node", "--max-semi-space-size=16", "/app/gantry.mjs"]
CMD ["start"]
