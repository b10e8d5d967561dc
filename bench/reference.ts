import fs from 'node:fs';
import path from 'node:path';

export function referenceDir(dir: string): string | null {
  return fs.existsSync(path.join(dir, 'README.md')) ? dir : null;
}
