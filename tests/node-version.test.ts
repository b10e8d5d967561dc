// The project brings its own Node (the `node` package in optionalDependencies, which npm puts first
// on PATH for every script), and every place that names a Node version names the same major:
// engines, .nvmrc, that package, CI and the image. scripts/require-node.cjs explains an older one.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const nvmrc = fs.readFileSync(path.join(root, '.nvmrc'), 'utf8').trim();
const major = Number.parseInt(nvmrc, 10);

/** Runs the preflight in this Node, told it is `version`. */
function preflight(version: string) {
  const fake = `Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '${version}' } });
Object.defineProperty(process, 'version', { value: 'v${version}' });
require(${JSON.stringify(path.join(root, 'scripts/require-node.cjs'))});`;
  return spawnSync(process.execPath, ['-e', fake], { encoding: 'utf8' });
}

describe('the Node that Gantry runs on', () => {
  it('is named once: engines, .nvmrc and the pinned node package agree', () => {
    expect(nvmrc).toMatch(/^\d+$/);
    expect(pkg.engines.node).toBe(`>=${major}`);
    expect(pkg.optionalDependencies.node).toMatch(new RegExp(`^${major}\\.\\d+\\.\\d+$`));
    // npm 11 runs an install script only for packages it is told to trust.
    expect(pkg.allowScripts.node).toBe(true);
  });

  it("is the Node this test runs on (npm put the project's own first on PATH)", () => {
    expect(process.versions.node.split('.')[0]).toBe(String(major));
  });

  it('CI installs no other Node, and the image builds on the same major', () => {
    const ci = fs.readFileSync(path.join(root, '.ci/run'), 'utf8');
    expect(ci).not.toMatch(/npm install[^\n]*node@/);
    const dockerfile = path.join(root, 'Dockerfile');
    if (fs.existsSync(dockerfile)) {
      // FROM node:<major>... directly, or through an ARG default the FROM lines name.
      const froms = [...fs.readFileSync(dockerfile, 'utf8').matchAll(/^(?:FROM\s+|ARG\s+\w+=)node:(\d+)/gm)].map((m) =>
        Number(m[1]),
      );
      expect(froms.length).toBeGreaterThan(0);
      for (const from of froms) expect(from).toBe(major);
    }
  });

  it('every command a newcomer runs checks the Node first', () => {
    for (const script of ['start', 'dev', 'test', 'sim', 'db:migrate']) {
      expect(pkg.scripts[`pre${script}`], `pre${script}`).toBe('node scripts/require-node.cjs');
    }
  });

  it('an older Node is told what to install before anything else is printed', () => {
    const old = preflight('20.1.0');
    expect(old.status).toBe(1);
    expect(old.stdout).toBe('');
    expect(old.stderr.trimStart()).toMatch(new RegExp(`^Gantry needs Node\\.js ${major} \\(found v20\\.1\\.0 at `));
    expect(old.stderr).toContain('nvm install');
  });

  it('the pinned major passes silently', () => {
    const ok = preflight(`${major}.0.0`);
    expect(ok.status).toBe(0);
    expect(ok.stdout + ok.stderr).toBe('');
  });
});
