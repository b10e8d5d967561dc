// Regenerates lib/domain/workflow/argo-workflow.schema.json from Argo's JSON schema.
// Usage: npx tsx scripts/generate-argo-schema.ts [path/to/jsonschema.schema.json]
// (default: $GANTRY_REFERENCE_DIR or ../shared/reference, argo/schema/jsonschema.schema.json)
import fs from 'node:fs';
import path from 'node:path';
import { extractWorkflowSchema } from '../lib/domain/workflow/schema-subset';
import { loadArgoSchema } from '../lib/domain/workflow/schema-loader';

const source =
  process.argv[2] ??
  path.join(process.env.GANTRY_REFERENCE_DIR ?? '../shared/reference', 'argo/schema/jsonschema.schema.json');
const target = path.join(import.meta.dirname, '../lib/domain/workflow/argo-workflow.schema.json');
const subset = extractWorkflowSchema(loadArgoSchema(source));
fs.writeFileSync(target, JSON.stringify(subset) + '\n');
console.log(
  `wrote ${target} (${fs.statSync(target).size} bytes, ${Object.keys(subset.definitions as object).length} definitions)`,
);
