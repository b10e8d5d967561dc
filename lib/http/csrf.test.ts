import { describe, expect, it } from 'vitest';
import { crossSiteRefusal } from './csrf';

const APP = 'http://127.0.0.1:3000';
const headers = (h: Record<string, string>) => new Headers(h);

describe('crossSiteRefusal', () => {
  it("passes JSON from Gantry's own origin, by Origin or (without one) by Referer", () => {
    expect(crossSiteRefusal(headers({ origin: APP, 'content-type': 'application/json' }), APP)).toBeNull();
    expect(
      crossSiteRefusal(headers({ origin: APP, 'content-type': 'Application/JSON; charset=utf-8' }), APP),
    ).toBeNull();
    expect(crossSiteRefusal(headers({ referer: `${APP}/jobs/1`, 'content-type': 'application/json' }), APP)).toBeNull();
  });

  it.each([
    ['no Origin and no Referer', {}, /Origin or Referer/],
    ['another port of the same host', { origin: 'http://127.0.0.1:3001' }, /http:\/\/127\.0\.0\.1:3001/],
    ['another scheme', { origin: 'https://127.0.0.1:3000' }, /own pages/],
    ['an opaque origin', { origin: 'null' }, /opaque origin/],
    ['a foreign Referer', { referer: 'http://evil.example/x' }, /evil\.example/],
    ['a right Referer under a wrong Origin', { origin: 'http://evil.example', referer: `${APP}/` }, /evil\.example/],
    ['an unparseable Referer', { referer: 'not a url' }, /opaque origin/],
  ])('refuses %s', (_, h, why) => {
    expect(crossSiteRefusal(headers({ ...h, 'content-type': 'application/json' }), APP)).toMatch(why);
  });

  it.each([
    ['a form', 'application/x-www-form-urlencoded', /not application\/x-www-form-urlencoded/],
    ['multipart', 'multipart/form-data; boundary=x', /not multipart\/form-data/],
    ['text', 'text/plain', /not text\/plain/],
    ['a JSON look-alike', 'application/jsonp', /not application\/jsonp/],
    ['none', undefined, /not none/],
  ])('refuses %s as the content type', (_, type, why) => {
    expect(crossSiteRefusal(headers({ origin: APP, ...(type ? { 'content-type': type } : {}) }), APP)).toMatch(why);
  });
});
