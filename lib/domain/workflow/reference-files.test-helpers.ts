// Lists reference files for the suites that walk ../shared/reference (call inside describeWithReference).
import fs from 'node:fs';
import path from 'node:path';
import { referencePath } from '@/lib/testing/reference';
import { parseYamlDocuments } from './parse';

export function listReferenceFiles(folder: string, pattern = /\.(ya?ml|json)$/): string[] {
  const root = referencePath(folder);
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (pattern.test(entry.name) && !entry.name.startsWith('_')) out.push(path.relative(root, full));
    }
  };
  walk(root);
  return out.sort();
}

/** Every document of a reference file, as plain objects (JSON is YAML). */
export function readReferenceDocuments(folder: string, file: string): unknown[] {
  const text = fs.readFileSync(referencePath(folder, file), 'utf8');
  return parseYamlDocuments(text).map((d) => d.toJS());
}
