// The digest a server component's error carries when the database is unavailable. Next passes a
// thrown error's own `digest` to the error boundary unchanged (other errors get a hash), so
// app/error.tsx can tell an outage from a bug. No imports: client components read it too.
export const DATABASE_UNAVAILABLE_DIGEST = 'GANTRY_DATABASE_UNAVAILABLE';
