import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { startOfPeriod, summarizeUsage, toCsv, type AllocationRecord } from './usage';

const HOUR = 3_600_000;
const t = (iso: string) => Date.parse(iso);

const rec = (over: Partial<AllocationRecord> = {}): AllocationRecord => ({
  jobId: 'j1',
  team: 'vision',
  user: 'ada',
  gpuKind: 'a100-80gb',
  gpuCount: 2,
  start: t('2025-03-03T10:00:00Z'),
  end: t('2025-03-03T13:00:00Z'),
  ...over,
});

describe('summarizeUsage', () => {
  it('allocated vs utilization-weighted GPU-hours and cost for one day', () => {
    const start = t('2025-03-03T10:00:00Z');
    const [row] = summarizeUsage(
      [
        rec({
          utilization: [
            { t: start, v: 50 },
            { t: start + HOUR, v: 100 },
            { t: start + 2 * HOUR, v: 0 },
          ],
        }),
      ],
      { period: 'day', groupBy: 'user', prices: { 'a100-80gb': 2.5 } },
    );
    // 2 GPUs x 3 h = 6 allocated; used = 2 x (0.5 + 1 + 0) = 3.
    expect(row).toMatchObject({
      period: 'day',
      periodStart: '2025-03-03',
      team: 'vision',
      user: 'ada',
      allocatedGpuHours: 6,
      measuredGpuHours: 6,
      usedGpuHours: 3,
      utilization: 0.5,
      pricePerGpuHour: 2.5,
      cost: 15,
      idleCost: 7.5,
    });
  });

  it('splits at midnight UTC and at ISO week boundaries (Monday)', () => {
    const r = rec({ start: t('2025-03-09T22:00:00Z'), end: t('2025-03-10T02:00:00Z'), gpuCount: 1 }); // Sunday -> Monday
    expect(
      summarizeUsage([r], { period: 'day', groupBy: 'team' }).map((x) => [x.periodStart, x.allocatedGpuHours]),
    ).toEqual([
      ['2025-03-09', 2],
      ['2025-03-10', 2],
    ]);
    expect(
      summarizeUsage([r], { period: 'week', groupBy: 'team' }).map((x) => [x.periodStart, x.allocatedGpuHours]),
    ).toEqual([
      ['2025-03-03', 2],
      ['2025-03-10', 2],
    ]);
    expect(new Date(startOfPeriod(t('2025-03-09T23:59:59Z'), 'week')).toISOString()).toBe('2025-03-03T00:00:00.000Z');
  });

  it('groups users into their team and keeps kinds apart; unpriced kinds have no cost', () => {
    const rows = summarizeUsage(
      [rec(), rec({ user: 'bob', jobId: 'j2' }), rec({ gpuKind: 'h100-80gb-mig-1g.10gb', gpuCount: 1 })],
      { period: 'day', groupBy: 'team', prices: { 'a100-80gb': 2 } },
    );
    expect(rows.map((r) => [r.team, r.user, r.gpuKind, r.allocatedGpuHours, r.cost, r.utilization])).toEqual([
      ['vision', null, 'a100-80gb', 12, 24, null],
      ['vision', null, 'h100-80gb-mig-1g.10gb', 3, null, null],
    ]);
  });

  it('time before the first reading is unmeasured, not idle', () => {
    const start = t('2025-03-03T10:00:00Z');
    const [row] = summarizeUsage([rec({ gpuCount: 1, utilization: [{ t: start + 2 * HOUR, v: 80 }] })], {
      period: 'day',
      groupBy: 'user',
    });
    expect(row).toMatchObject({ allocatedGpuHours: 3, measuredGpuHours: 1, usedGpuHours: 0.8, utilization: 0.8 });
  });

  it('conserves GPU-hours across any period split; used never exceeds measured', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 30 * 24 }),
        fc.integer({ min: 1, max: 24 * 20 }),
        fc.integer({ min: 1, max: 8 }),
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 100 })), { maxLength: 20 }),
        fc.constantFrom('day' as const, 'week' as const),
        (startH, hours, gpus, readings, period) => {
          const start = t('2025-01-01T00:00:00Z') + startH * HOUR;
          const end = start + hours * HOUR;
          const utilization = readings.map(([frac, v]) => ({ t: start + (frac / 1000) * (end - start), v }));
          const rows = summarizeUsage([rec({ start, end, gpuCount: gpus, utilization })], { period, groupBy: 'user' });
          const total = rows.reduce((s, r) => s + r.allocatedGpuHours, 0);
          expect(total).toBeCloseTo(gpus * hours, 6);
          for (const r of rows) expect(r.usedGpuHours).toBeLessThanOrEqual(r.measuredGpuHours + 1e-9);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('toCsv', () => {
  it('writes a header and one line per row, readable back by a CSV parser', () => {
    const rows = summarizeUsage([rec({ team: 'team, with comma' })], {
      period: 'week',
      groupBy: 'user',
      prices: { 'a100-80gb': 3 },
    });
    const csv = toCsv(rows);
    const back = parse(csv, { columns: true });
    expect(back).toEqual([
      {
        period: 'week',
        periodStart: '2025-03-03',
        team: 'team, with comma',
        user: 'ada',
        gpuKind: 'a100-80gb',
        allocatedGpuHours: '6.0000',
        measuredGpuHours: '0.0000',
        usedGpuHours: '0.0000',
        utilization: '',
        pricePerGpuHour: '3.0000',
        cost: '18.00',
        idleCost: '0.00',
      },
    ]);
  });
});
