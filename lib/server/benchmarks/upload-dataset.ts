import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { importResultsCsv, importResultsJson } from '@/lib/domain/benchmarks/import/generic';
import { benchmarkDatasets } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { invalid } from '../errors';
import { parseInput } from '../validate';
import { loadDatasetViews, type DatasetView } from './dataset-view';
import { storeDataset } from './store-dataset';

const UploadDatasetInput = z.object({
  name: z.string().trim().min(1, 'Give the dataset a name').max(120, 'At most 120 characters'),
  format: z.enum(['csv', 'json']),
  text: z.string().min(1, 'The file is empty').max(10_000_000, 'At most 10 MB'),
});
type UploadDatasetInput = z.infer<typeof UploadDatasetInput>;

const MAX_REPORTED = 20;

/**
 * Creates a dataset from a generic CSV or JSON table (columns per BenchmarkResult field and metric).
 * Any bad row rejects the whole file, naming row and field, so nothing half-imported is left.
 */
export async function uploadDataset({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<DatasetView> {
  requireRole(ctx, 'researcher');
  const data = parseInput(UploadDatasetInput, input);
  let outcome;
  try {
    outcome = data.format === 'csv' ? importResultsCsv(data.text) : importResultsJson(data.text);
  } catch (e) {
    throw invalid(`The ${data.format.toUpperCase()} could not be read`, [
      { field: 'text', message: (e as Error).message.split('\n')[0] },
    ]);
  }
  if (outcome.issues.length > 0) {
    throw invalid(
      `${outcome.issues.length} problems in the file; nothing was imported`,
      outcome.issues
        .slice(0, MAX_REPORTED)
        .map((i) => ({ field: `text.rows[${i.row}].${i.field}`, message: i.message })),
    );
  }
  if (outcome.results.length === 0)
    throw invalid('The file has no rows', [{ field: 'text', message: 'expected at least one result' }]);
  const id = await storeDataset(
    ctx,
    { name: data.name, source: 'import', definition: { origin: 'upload', format: data.format } },
    outcome.results,
  );
  const [view] = await loadDatasetViews(ctx, eq(benchmarkDatasets.id, id));
  return view;
}
