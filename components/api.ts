// Browser-side calls to Gantry's API. Failures carry the server's problem document so forms can
// show each field's message next to the field.
export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: FieldProblem[] = [],
    readonly requestId?: string,
  ) {
    super(message);
  }
  fieldMessage(field: string): string | undefined {
    return this.fields.find((f) => f.field === field)?.message;
  }
}

export async function apiFetch<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  // Gantry refuses cookie-authenticated writes that are not JSON (lib/http/csrf.ts), bodiless ones too.
  const writes = Boolean(rest.method && rest.method.toUpperCase() !== 'GET');
  const res = await fetch(path, {
    ...rest,
    headers: {
      accept: 'application/json',
      ...(json !== undefined || writes ? { 'content-type': 'application/json' } : {}),
      ...rest.headers,
    },
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) {
    throw new ApiError(res.status, data?.detail ?? res.statusText, data?.errors ?? [], data?.requestId);
  }
  return data as T;
}
