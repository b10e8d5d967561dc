// Tests read ../shared/reference in place (never copied into the project). A user's clone has no
// ../shared, so a suite that needs it says so plainly instead of failing or passing silently.
import fs from 'node:fs';
import path from 'node:path';
import { describe } from 'vitest';
import { env } from '@/lib/env';

export function referenceDir(): string | null {
  const dir = env().referenceDir;
  return fs.existsSync(path.join(dir, 'README.md')) ? dir : null;
}

/** Absolute path of a file under the reference folder (call only inside describeWithReference). */
export function referencePath(...parts: string[]): string {
  const dir = referenceDir();
  if (!dir) throw new Error(`reference folder not found at ${env().referenceDir}`);
  return path.join(dir, ...parts);
}

export function readReference(...parts: string[]): string {
  return fs.readFileSync(referencePath(...parts), 'utf8');
}

/** A describe block that runs only where the reference folder exists, and names why otherwise. */
export function describeWithReference(name: string, fn: () => void): void {
  if (referenceDir()) {
    describe(name, fn);
  } else {
    const why = `NOT RUN: reference data absent at ${env().referenceDir} (set GANTRY_REFERENCE_DIR)`;
    console.warn(`[${name}] ${why}`);
    describe.skipIf(true)(`${name} - ${why}`, fn);
  }
}
