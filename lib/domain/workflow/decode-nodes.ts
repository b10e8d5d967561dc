// Argo stores large node maps as status.compressedNodes: the JSON of status.nodes, gzipped and
// base64-encoded (argo-workflows util/file CompressEncodeString). Kept apart because node:zlib
// does not load in a browser; pass it to buildLiveGraph as `decodeNodes`.
import { gunzipSync } from 'node:zlib';
import type { NodeStatus } from './types';

export function decodeCompressedNodes(compressed: string): Record<string, NodeStatus> {
  return JSON.parse(gunzipSync(Buffer.from(compressed, 'base64')).toString('utf8')) as Record<string, NodeStatus>;
}
