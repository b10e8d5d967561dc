// The one file in lib/domain/workflow that reads the disk: it loads Argo's full JSON schema
// (e.g. ../shared/reference/argo/schema/jsonschema.schema.json) for callers that want it
// instead of the committed subset. Keep I/O here so the rest stays pure.
import fs from 'node:fs';

export function loadArgoSchema(schemaPath: string): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
}
