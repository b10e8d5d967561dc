// The API's job and quota shapes as the browser sees them. Type-only imports of the server's view
// types: erased at build time, so no server code reaches the browser, and the shapes cannot drift.
export type { JobDetailView, JobEventView, JobState, JobView } from '@/lib/server/jobs/job-view';
export type { JobPage } from '@/lib/server/jobs/list-jobs';
export type { DryRunView } from '@/lib/server/jobs/submit-job';
export type { QuotaView } from '@/lib/server/quotas/list-quotas';
