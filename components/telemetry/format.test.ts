import { describe, expect, it } from 'vitest';
import { formatTick, formatValue, heatClass } from './format';

describe('telemetry formatting', () => {
  const t = Date.UTC(2026, 10, 2, 8, 5);
  it('labels ticks with the time for short ranges and the date for long ones', () => {
    expect(formatTick(t, '1h')).toBe('08:05');
    expect(formatTick(t, '24h')).toBe('08:05');
    expect(formatTick(t, '7d')).toBe('11-02');
  });
  it('prints each metric in its unit', () => {
    expect(formatValue(42.26, 'util')).toBe('42.3 %');
    expect(formatValue(512, 'fb')).toBe('512 MiB');
    expect(formatValue(40960, 'fb')).toBe('40.0 GiB');
    expect(formatValue(301.6, 'power')).toBe('302 W');
    expect(formatValue(null, 'util')).toBe('—');
  });
  it('colours no data apart from idle and busy', () => {
    expect(heatClass(null)).toContain('slate');
    expect(heatClass(1)).not.toBe(heatClass(95));
  });
});
