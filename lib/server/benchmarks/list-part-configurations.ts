import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { formatConfigurationId } from '@/lib/domain/benchmarks/configuration';
import { expandSweep, SweepDefinition } from '@/lib/domain/benchmarks/matrix';
import { toSweepItems, type SweepItem } from '@/lib/domain/workflow/builders/benchmark';
import { benchmarkDatasets } from '@/lib/db/schema';
import type { Ctx } from '../context';
import { invalid } from '../errors';
import { parseInput } from '../validate';
import { findResultsDataset } from './find-results-dataset';
import { toJobConfigurations } from './sweep-configurations';
import { storedConfigurationIds } from './list-stored-configurations';

// Query strings arrive as text: whole numbers are read from digits only, so `1.5` or `` is refused.
const whole = (field: string, min: number, max: number) =>
  z
    .string({ error: `${field} is required` })
    .regex(/^\d+$/, `${field} must be a whole number`)
    .transform(Number)
    .pipe(z.number().min(min, `${field} must be at least ${min}`).max(max, `${field} must be at most ${max}`));

const ListPartConfigurationsInput = z.object({
  token: z.string().nullable(),
  part: whole('part', 0, 100_000),
  partSize: whole('partSize', 1, 5_000),
  /** configurations per step: the items come chunked as the part's runner template expects */
  perStep: whole('perStep', 1, 256).default(1),
  /** only configurations without a stored result (the resume); `false` lists the whole part */
  pending: z.enum(['true', 'false'], { error: 'pending must be true or false' }).default('true'),
});
type ListPartConfigurationsInput = z.input<typeof ListPartConfigurationsInput>;

/**
 * GET /api/benchmarks/configurations: what one part of a sweep split into parts still has to run,
 * as the `withParam` list of its runner step (`[{ id, config }]`, see toSweepItems). The part is a
 * slice of the sweep's configurations in job order (`c<index>`), so a resumed part skips what was
 * stored meanwhile. Authorised by the sweep's results token, as the result posts are.
 */
export async function listPartConfigurations({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<SweepItem[]> {
  const token = (input as { token?: unknown } | null)?.token;
  // The token first: nothing about a sweep is answered to a caller without it, not even field errors.
  const { id } = await findResultsDataset(ctx, typeof token === 'string' ? token : null);
  const data = parseInput(ListPartConfigurationsInput, input);
  const [dataset] = await ctx.db
    .select({ definition: benchmarkDatasets.definition, source: benchmarkDatasets.source })
    .from(benchmarkDatasets)
    .where(eq(benchmarkDatasets.id, id));
  const definition = SweepDefinition.safeParse(dataset?.definition.sweep);
  if (dataset?.source !== 'sweep' || !definition.success) {
    throw invalid('Only a sweep dataset has configurations to run', [
      { field: 'token', message: 'belongs to an imported dataset' },
    ]);
  }
  const valid = expandSweep(definition.data).valid;
  const first = data.part * data.partSize;
  if (first >= valid.length) {
    const parts = Math.ceil(valid.length / data.partSize);
    throw invalid(`This sweep has ${parts} parts of ${data.partSize}`, [
      { field: 'part', message: `must be less than ${parts}` },
    ]);
  }
  const slice = toJobConfigurations(valid).slice(first, first + data.partSize);
  if (data.pending === 'false') return toSweepItems(slice, data.perStep);
  const stored = await storedConfigurationIds(ctx, id);
  return toSweepItems(
    slice.filter((_, i) => !stored.has(formatConfigurationId(valid[first + i]))),
    data.perStep,
  );
}
