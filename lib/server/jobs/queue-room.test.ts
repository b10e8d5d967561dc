import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { rememberQueueRoom, takeQueueRoom } from './queue-room';

describe('remembered queue room', () => {
  it('counts the first job of a user, then takes places until a tenth of the cap is left', () => {
    const user = randomUUID();
    expect(takeQueueRoom(user, 100, 0)).toBe(false);
    rememberQueueRoom(user, 100, 15, 0);
    const taken = Array.from({ length: 10 }, () => takeQueueRoom(user, 100, 10));
    expect(taken.filter(Boolean)).toHaveLength(5); // 15 left, 10 kept in reserve
    expect(takeQueueRoom(user, 100, 10)).toBe(false);
  });

  it('forgets a room after a second, and never takes from a room without reserve', () => {
    const user = randomUUID();
    rememberQueueRoom(user, 1_000, 900, 0);
    expect(takeQueueRoom(user, 1_000, 1_000)).toBe(true);
    expect(takeQueueRoom(user, 1_000, 1_001)).toBe(false);
    const small = randomUUID();
    rememberQueueRoom(small, 4, 3, 0);
    expect(takeQueueRoom(small, 4, 1)).toBe(true);
    expect(takeQueueRoom(small, 4, 1)).toBe(true);
    expect(takeQueueRoom(small, 4, 1)).toBe(false); // one place always counted
  });

  it('keeps the smaller of two fresh counts, and a new count once the old one is stale', () => {
    const user = randomUUID();
    rememberQueueRoom(user, 100, 50, 0);
    rememberQueueRoom(user, 100, 80, 10);
    rememberQueueRoom(user, 100, 40, 20);
    expect(Array.from({ length: 50 }, () => takeQueueRoom(user, 100, 30)).filter(Boolean)).toHaveLength(30);
    rememberQueueRoom(user, 100, 90, 5_000);
    expect(Array.from({ length: 100 }, () => takeQueueRoom(user, 100, 5_000)).filter(Boolean)).toHaveLength(80);
  });
});
