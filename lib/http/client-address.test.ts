import { Socket } from 'node:net';
import { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { CLIENT_ADDRESS_HEADER, clientAddress, resolveClientAddress, stampClientAddress } from './client-address';

describe('the client address throttling counts against', () => {
  it('is the socket address unless proxies are trusted; X-Forwarded-For alone is ignored', () => {
    expect(resolveClientAddress('10.0.0.5', '203.0.113.9', 0)).toBe('10.0.0.5');
    expect(resolveClientAddress('::ffff:10.0.0.5', undefined, 0)).toBe('10.0.0.5');
    expect(resolveClientAddress('2001:db8::1', undefined, 0)).toBe('2001:db8::1');
  });

  it('with n trusted proxies, is the n-th X-Forwarded-For entry from the right', () => {
    // The client forged the first entry; the one trusted proxy appended what it saw.
    expect(resolveClientAddress('10.0.0.1', 'evil-forged, 198.51.100.7', 1)).toBe('198.51.100.7');
    expect(resolveClientAddress('10.0.0.1', ['forged', '198.51.100.7, 10.0.0.2'], 2)).toBe('198.51.100.7');
    expect(resolveClientAddress('10.0.0.1', '198.51.100.7', 3)).toBe('10.0.0.1');
    expect(resolveClientAddress('10.0.0.1', undefined, 1)).toBe('10.0.0.1');
  });

  it('replaces a stamp the client sent itself, in both views of the request', () => {
    const req = new IncomingMessage(new Socket());
    Object.defineProperty(req.socket, 'remoteAddress', { value: '10.1.2.3' });
    req.rawHeaders = ['Host', 'x', 'X-Gantry-Client-Address', '1.1.1.1', 'X-Forwarded-For', '9.9.9.9'];
    stampClientAddress(req, 0);
    expect(req.headers[CLIENT_ADDRESS_HEADER]).toBe('10.1.2.3');
    expect(req.rawHeaders.filter((h, i) => i % 2 === 0 && h.toLowerCase() === CLIENT_ADDRESS_HEADER)).toHaveLength(1);
    expect(req.rawHeaders.at(-1)).toBe('10.1.2.3');
    expect(clientAddress(new Headers({ [CLIENT_ADDRESS_HEADER]: '10.1.2.3', 'x-forwarded-for': '9.9.9.9' }))).toBe(
      '10.1.2.3',
    );
  });
});
