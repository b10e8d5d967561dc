import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// A child process lowers itself (a test process cannot take back a nice value it raised), then
// reports the nice value of each of its threads from /proc: field 19 of /proc/<pid>/task/<tid>/stat.
const script = `
import fs from 'node:fs';
import { lowerProcessPriority } from ${JSON.stringify(path.resolve(import.meta.dirname, 'priority.ts'))};
const changed = lowerProcessPriority(7);
const nice = fs.readdirSync('/proc/self/task').map((tid) => {
  const stat = fs.readFileSync('/proc/self/task/' + tid + '/stat', 'utf8');
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
});
console.log(JSON.stringify({ changed, nice }));
`;

describe('lowerProcessPriority', () => {
  it('sets the nice value of every thread, not only the main one', () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      encoding: 'utf8',
    });
    expect(run.stderr).toBe('');
    const { changed, nice } = JSON.parse(run.stdout) as { changed: number; nice: number[] };
    // Node starts V8's platform threads and more with the process.
    expect(nice.length).toBeGreaterThan(1);
    expect(changed).toBe(nice.length);
    expect(new Set(nice)).toEqual(new Set([7]));
  });
});
