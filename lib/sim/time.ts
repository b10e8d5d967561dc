// Timestamps as the API server writes them (RFC 3339, whole seconds).

export const timestamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
