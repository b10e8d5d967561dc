// Discovery documents: what `kubectl api-resources`, client-node and kubectl's OpenAPI check read
// before they make a request (`/version`, `/api`, `/apis`, `/api/v1`, `/apis/<group>[/<version>]`,
// `/openapi/v3`).
import { RESOURCES, type ResourceDef } from './resources';

/** `/version`: the Kubernetes release the simulated API server claims to be. */
const VERSION_INFO = {
  major: '1',
  minor: '31',
  gitVersion: 'v1.31.6-gantry-sim',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2025-03-01T00:00:00Z',
  goVersion: 'go1.22.12',
  compiler: 'gc',
  platform: 'linux/amd64',
};

/** `/api`: the core group's versions. */
function apiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function resourceList(group: string, version: string): object {
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version).flatMap((r) => [
    {
      name: r.resource,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames ? { shortNames: r.shortNames } : {}),
      ...(r.categories ? { categories: r.categories } : {}),
      storageVersionHash: '',
    },
    ...(r.resource === 'pods'
      ? [
          { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
          {
            name: 'pods/proxy',
            singularName: '',
            namespaced: true,
            kind: 'PodProxyOptions',
            verbs: ['create', 'delete', 'get', 'patch', 'update'],
          },
        ]
      : []),
  ]);
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: group ? `${group}/${version}` : version,
    resources,
  };
}

function apiGroup(group: string): object {
  const versions = [...new Set(RESOURCES.filter((r) => r.group === group).map((r) => r.version))].map((v) => ({
    groupVersion: `${group}/${v}`,
    version: v,
  }));
  return { kind: 'APIGroup', apiVersion: 'v1', name: group, versions, preferredVersion: versions[0] };
}

function apiGroupList(): object {
  const groups = [...new Set(RESOURCES.map((r) => r.group).filter(Boolean))];
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: groups.map((g) => ({ ...apiGroup(g), kind: undefined, apiVersion: undefined })),
  };
}

const gvPath = (r: ResourceDef) => (r.group ? `apis/${r.group}/${r.version}` : `api/${r.version}`);

/**
 * Just enough OpenAPI v3 for kubectl's validation check: each PATCH operation is tagged with its
 * group/version/kind and lists the `fieldValidation` query parameter, which tells kubectl
 * (k8s.io/client-go/openapi3 QueryParamVerifierV3) to leave validation to the server.
 */
function openApiV3Root(): object {
  const gvs = [...new Set(RESOURCES.map(gvPath))];
  return {
    paths: Object.fromEntries(gvs.map((gv) => [gv, { serverRelativeURL: `/openapi/v3/${gv}?hash=0000000000000000` }])),
  };
}

function openApiV3Doc(path: string): object | undefined {
  const defs = RESOURCES.filter((r) => gvPath(r) === path);
  if (!defs.length) return undefined;
  const paths: Record<string, object> = {};
  for (const r of defs) {
    const base = `/${path}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.resource}`;
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const op = (action: string) => ({
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': gvk,
      parameters: [
        {
          name: 'fieldValidation',
          in: 'query',
          description:
            'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.',
          schema: { type: 'string', uniqueItems: true },
        },
      ],
      responses: { '200': { description: 'OK' } },
    });
    paths[base] = { post: op('post') };
    paths[`${base}/{name}`] = { patch: op('patch'), put: op('put') };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: 'v1.31.6' }, paths, components: { schemas: {} } };
}

/** The discovery document a GET of `path` answers with, or undefined when the path is not one. */
export function discoveryDoc(path: string, host: string): object | undefined {
  if (path === '/version') return VERSION_INFO;
  if (path === '/api') return apiVersions(host);
  if (path === '/apis') return apiGroupList();
  if (path === '/api/v1') return resourceList('', 'v1');
  const g = /^\/apis\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (g && RESOURCES.some((r) => r.group === g[1] && (!g[2] || r.version === g[2])))
    return g[2] ? resourceList(g[1], g[2]) : apiGroup(g[1]);
  if (path === '/openapi/v3') return openApiV3Root();
  if (path.startsWith('/openapi/v3/')) return openApiV3Doc(path.slice('/openapi/v3/'.length));
  return undefined;
}
