import { describe, expect, it } from 'vitest';
import { paginate } from './paginate';

describe('paginate', () => {
  const items = Array.from({ length: 250 }, (_, i) => i);
  it('slices a page', () => {
    expect(paginate(items, 2, 100)).toEqual({ items: items.slice(200), page: 2, pages: 3 });
  });
  it('clamps the page into range', () => {
    expect(paginate(items, 9, 100).page).toBe(2);
    expect(paginate(items, -1, 100).page).toBe(0);
    expect(paginate([], 0, 100)).toEqual({ items: [], page: 0, pages: 1 });
  });
});
