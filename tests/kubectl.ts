// Tests that drive kubectl run only where it is installed, and say so plainly where it is not.
import { spawnSync } from 'node:child_process';

export function hasKubectl(): boolean {
  return spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
}
