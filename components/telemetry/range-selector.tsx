'use client';
import { Segmented } from '@/components/ui/segmented';
import { RANGES, type ChartRange } from './types';

export function RangeSelector({ value, onChange }: { value: ChartRange; onChange: (r: ChartRange) => void }) {
  return <Segmented role="radiogroup" label="Time range" options={RANGES} value={value} onChange={onChange} />;
}
