import { describe, expect, it } from 'vitest';
import { readCurlScript, splitShellWords } from './curl';

const FETCH =
  'curl -fsS --retry 5 -H "Authorization: Bearer $GANTRY_RESULTS_TOKEN" "$GANTRY_CONFIGURATIONS_URL?part=$GANTRY_PART&partSize=${GANTRY_PART_SIZE}" -o /tmp/c.json';

describe('the curl steps the sim executes', () => {
  it('splits words as sh does, expanding variables inside double quotes only', () => {
    const env = {
      GANTRY_RESULTS_TOKEN: 'gbr_x',
      GANTRY_CONFIGURATIONS_URL: 'http://g/c',
      GANTRY_PART: '2',
      GANTRY_PART_SIZE: '500',
    };
    expect(splitShellWords(FETCH, env)).toEqual([
      'curl',
      '-fsS',
      '--retry',
      '5',
      '-H',
      'Authorization: Bearer gbr_x',
      'http://g/c?part=2&partSize=500',
      '-o',
      '/tmp/c.json',
    ]);
    expect(splitShellWords(`echo '$HOME "x"' a\\ b ""`, { HOME: '/root' })).toEqual([
      'echo',
      '$HOME "x"',
      'a\\',
      'b',
      '',
    ]);
  });

  it('takes a single GET of known options only; anything else runs on the model', () => {
    expect(readCurlScript(['sh', '-c', FETCH])).toBe(FETCH);
    expect(readCurlScript(['sh', '-c', 'curl -s http://a/b | jq .'])).toBeNull();
    expect(readCurlScript(['sh', '-c', 'curl -s http://a/b; sleep 1'])).toBeNull();
    expect(readCurlScript(['sh', '-c', 'curl -s "http://a/$(id)"'])).toBeNull();
    expect(readCurlScript(['sh', '-c', "curl -XPOST 'http://influx:8086/query' --data-urlencode q=x"])).toBeNull();
    expect(readCurlScript(['sh', '-c', 'curl -s'])).toBeNull();
    expect(readCurlScript(['curl', '-s', 'http://a'])).toBeNull();
  });
});
