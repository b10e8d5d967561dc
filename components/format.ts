// Dates print in the viewer's locale but with a fixed shape, so server and client render the same.
export function formatDate(iso: string): string {
  return new Date(iso).toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
}
