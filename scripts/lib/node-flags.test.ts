// The launcher cannot give itself its V8 flags: whoever starts it must. Those places and the constant
// must say the same.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SMALL_YOUNG_GENERATION } from './node-flags';

const root = path.resolve(import.meta.dirname, '..', '..');

describe("the launcher's V8 flags", () => {
  it('npm start and npm run sim start it with the small young generation', () => {
    const { scripts } = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    for (const name of ['start', 'sim']) expect(scripts[name].split(' '), name).toContain(SMALL_YOUNG_GENERATION);
  });

  it("so does the image's entrypoint", () => {
    const entrypoint = /^ENTRYPOINT\s+(\[.*\])$/m.exec(fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8'));
    expect(entrypoint).not.toBeNull();
    const argv = JSON.parse(entrypoint![1]) as string[];
    expect(argv.indexOf(SMALL_YOUNG_GENERATION)).toBeGreaterThan(argv.indexOf('node'));
    expect(argv.indexOf(SMALL_YOUNG_GENERATION)).toBeLessThan(argv.indexOf('/app/gantry.mjs'));
  });
});
