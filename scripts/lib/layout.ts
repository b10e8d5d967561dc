// Where Gantry's parts are, for the launcher (scripts/gantry.ts): a source checkout (`npm start`:
// TypeScript through tsx, `next build` when sources changed) or the built artifact (`npm run build`
// makes dist/, run with plain `node dist/gantry.mjs`; see scripts/build.ts). Only this file knows
// the difference.
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as BuildScript from '../build';
import { needsBuild, needsBundle } from './build-state';

// Replaced by `true` when scripts/build.ts bundles the launcher (esbuild `define`); undeclared, and
// so `undefined`, under tsx.
declare const __GANTRY_ARTIFACT__: boolean | undefined;

interface ChildCommand {
  /** Arguments after `node` (flags, then the entry file). */
  args: string[];
  /** Variables the child needs on top of the launcher's. */
  env: Record<string, string>;
}

export interface Layout {
  kind: 'source' | 'artifact';
  /** The folder holding `.next/`: the repository, or the artifact folder. */
  root: string;
  /** Drizzle's SQL migrations. */
  migrations: string;
  /** Next's CLI (source only: `next build`, `next dev`). */
  nextBin: string;
  /** Whether `start` must run `next build` first (never in the artifact: it is built). */
  needsBuild(): boolean;
  /** Makes the web and worker entries runnable (a checkout bundles them; the artifact is built). */
  prepare(): Promise<void>;
  /** The web server's entry (web/server.ts or its bundle), for a child process or an import. */
  web: ChildCommand & { entry: string };
  /** The worker's entry (worker/main.ts or its bundle). */
  worker: ChildCommand & { entry: string };
}

const isArtifact = typeof __GANTRY_ARTIFACT__ !== 'undefined' && __GANTRY_ARTIFACT__;

/**
 * A custom server on Next's standalone output has to hand Next the configuration the build used:
 * the standalone folder has no next.config.js, and Next reads this variable instead (its own
 * generated server.js does the same).
 */
function standaloneConfigEnv(root: string): Record<string, string> {
  const file = path.join(root, '.next', 'required-server-files.json');
  const { config } = JSON.parse(fs.readFileSync(file, 'utf8')) as { config: unknown };
  return { __NEXT_PRIVATE_STANDALONE_CONFIG: JSON.stringify(config) };
}

function sourceLayout(): Layout {
  const root = path.resolve(import.meta.dirname, '..', '..');
  // Child processes run bundles made at every start (scripts/build.ts bundleForCheckout, under a
  // second): plain node starts them several times faster than tsx, which matters most when the
  // supervisor restarts a crashed one. In-process (`web`, `worker` commands) imports the sources.
  const bundles = path.join(root, '.next', 'gantry');
  const bundled = (entry: string) => ['--enable-source-maps', path.join(bundles, entry)];
  return {
    kind: 'source',
    root,
    migrations: path.join(root, 'drizzle'),
    nextBin: path.join(root, 'node_modules/next/dist/bin/next'),
    needsBuild: () => needsBuild(root),
    async prepare() {
      // Made again only when a source changed, so a second start does not pay for it (~1 s).
      if (!needsBundle(root, bundles)) return;
      // A computed specifier: the artifact's bundle of this file must not pull in the build script
      // (and esbuild with it); only a checkout runs this. The type import above is erased.
      const build = pathToFileURL(path.join(root, 'scripts', 'build.ts')).href;
      const { bundleForCheckout } = (await import(build)) as typeof BuildScript;
      await bundleForCheckout(bundles);
    },
    web: { entry: path.join(root, 'web/server.ts'), args: bundled('web/server.mjs'), env: {} },
    worker: { entry: path.join(root, 'worker/main.ts'), args: bundled('worker/main.mjs'), env: {} },
  };
}

function artifactLayout(): Layout {
  // The launcher bundle is dist/gantry.mjs; the web and worker bundles keep their source folders
  // (dist/web/server.mjs), so web/server.ts finds `.next/` one folder up, as in the checkout.
  const root = import.meta.dirname;
  const web = path.join(root, 'web/server.mjs');
  const worker = path.join(root, 'worker/main.mjs');
  return {
    kind: 'artifact',
    root,
    migrations: path.join(root, 'drizzle'),
    nextBin: path.join(root, 'node_modules/next/dist/bin/next'),
    needsBuild: () => false,
    prepare: async () => {},
    web: { entry: web, args: [web], env: standaloneConfigEnv(root) },
    worker: { entry: worker, args: [worker], env: {} },
  };
}

let cached: Layout | undefined;
export function layout(): Layout {
  cached ??= isArtifact ? artifactLayout() : sourceLayout();
  return cached;
}
