import { describe, expect, it } from 'vitest';
import { sameOriginPath } from './redirect-target';

describe('sameOriginPath', () => {
  it('keeps paths on this origin, with their query and fragment', () => {
    expect(sameOriginPath('/jobs/42')).toBe('/jobs/42');
    expect(sameOriginPath('/queue?team=vision#top')).toBe('/queue?team=vision#top');
    expect(sameOriginPath('/')).toBe('/');
  });

  it.each([
    ['protocol-relative', '//other-host/x'],
    ['backslash', '/\\other-host'],
    ['backslashes', '\\\\other-host'],
    ['backslash later', '/a/..\\..\\/evil'],
    ['absolute https', 'https://evil.example/'],
    ['javascript', 'javascript:alert(1)'],
    ['tab', '/\t/evil.example'],
    ['newline', '/\n/evil.example'],
    ['NUL', '/jobs\u0000'],
    ['relative without slash', 'jobs'],
    ['empty', ''],
    ['missing', null],
  ])('sends %s to /', (_, target) => {
    expect(sameOriginPath(target)).toBe('/');
  });

  it('takes an absolute URL on its own origin as that path, and any other as /', () => {
    const origin = 'http://127.0.0.1:3000';
    expect(sameOriginPath('http://127.0.0.1:3000/jobs?x=1', origin)).toBe('/jobs?x=1');
    expect(sameOriginPath('http://127.0.0.1:3001/jobs', origin)).toBe('/');
    expect(sameOriginPath('https://127.0.0.1:3000/jobs', origin)).toBe('/');
    expect(sameOriginPath('http://127.0.0.1:3000//evil.example', origin)).toBe('/');
    expect(sameOriginPath('https://evil.example/', origin)).toBe('/');
    expect(sameOriginPath('//evil.example/', origin)).toBe('/');
  });
});
