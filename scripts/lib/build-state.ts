// `npm start` serves a production build; it rebuilds only when a source file is newer than the
// last build, so a second start is fast.
import fs from 'node:fs';
import path from 'node:path';

const SOURCES = [
  'app',
  'components',
  'lib',
  'public',
  'next.config.js',
  'postcss.config.mjs',
  'package.json',
  'tsconfig.json',
  'proxy.ts',
];

/** The newest modification time of a file, or of anything below a folder (0 when absent). */
export function newestMtime(p: string): number {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = 0;
  for (const entry of fs.readdirSync(p)) newest = Math.max(newest, newestMtime(path.join(p, entry)));
  return newest;
}

export function needsBuild(root: string): boolean {
  const marker = path.join(root, '.next', 'BUILD_ID');
  if (!fs.existsSync(marker)) return true;
  const built = fs.statSync(marker).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
}

// What web/server.ts and worker/main.ts are bundled from for `npm start` (scripts/build.ts
// bundleForCheckout): the app's sources, the two entries, and what decides how packages resolve.
const BUNDLE_SOURCES = ['app', 'lib', 'web', 'worker', 'package.json', 'package-lock.json', 'tsconfig.json'];

/** Whether the bundles in `dir` are missing or older than a source they are made from. */
export function needsBundle(root: string, dir: string): boolean {
  const marker = path.join(dir, 'worker', 'main.mjs');
  if (!fs.existsSync(marker) || !fs.existsSync(path.join(dir, 'web', 'server.mjs'))) return true;
  const built = Math.min(fs.statSync(marker).mtimeMs, fs.statSync(path.join(dir, 'web', 'server.mjs')).mtimeMs);
  return BUNDLE_SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
}
