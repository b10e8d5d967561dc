// PATCH bodies as the API server applies them: JSON patch (RFC 6902), JSON merge patch (RFC 7386),
// and strategic merge patch for core kinds, taken as a merge patch (enough for what clients send here).
import jsonPatch, { type Operation } from 'fast-json-patch';
import type { KObject } from '../store';
import { ApiError, badRequest } from './errors';
import type { ResourceDef } from './resources';

/** RFC 7386 JSON merge patch: objects merge, null deletes, anything else replaces. */
function mergePatch(target: unknown, patch: unknown): unknown {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) return patch;
  const out: Record<string, unknown> =
    target && typeof target === 'object' && !Array.isArray(target) ? { ...(target as Record<string, unknown>) } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/**
 * The object after the patch, and the resourceVersion a merge patch carries: a precondition
 * (optimistic concurrency), as in the API server. Throws the API server's error for a bad patch.
 */
export function applyPatch(
  def: ResourceDef,
  current: KObject,
  contentType: string,
  body: string,
): { patched: KObject; expectRv?: string } {
  let patch: unknown;
  try {
    patch = JSON.parse(body);
  } catch {
    throw badRequest('error decoding patch: invalid JSON');
  }
  if (contentType === 'application/json-patch+json') return { patched: applyJsonPatch(current, patch) };
  if (
    contentType === 'application/merge-patch+json' ||
    (contentType === 'application/strategic-merge-patch+json' && !def.group)
  ) {
    const expectRv = (patch as { metadata?: { resourceVersion?: string } } | null)?.metadata?.resourceVersion;
    return { patched: mergePatch(current, patch) as KObject, expectRv: Array.isArray(patch) ? undefined : expectRv };
  }
  throw new ApiError(
    415,
    'UnsupportedMediaType',
    `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml`,
  );
}

function applyJsonPatch(current: KObject, patch: unknown): KObject {
  if (!Array.isArray(patch)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  try {
    return jsonPatch.applyPatch(current, patch as Operation[], true, false).newDocument;
  } catch (e) {
    // a failed "test" operation or a missing path is unprocessable, as in the API server
    throw new ApiError(
      422,
      'Invalid',
      `the server rejected our request due to an error in our request: ${(e as Error).message.split('\n')[0]}`,
    );
  }
}
