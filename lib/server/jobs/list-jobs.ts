import { and, asc, count, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { jobs, teams, users } from '@/lib/db/schema';
import { JOB_STATES } from '@/lib/domain/terms';
import { requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';
import { visibleJobsFilter } from './job-access';
import { loadJobViews, type JobView } from './job-view';

// A filter takes several values as `a,b`, as a repeated key (`team=a&team=b`), or both.
const splitValues = (v: string) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const csv = <T extends z.ZodType>(item: T) =>
  z
    .preprocess(
      (v) =>
        typeof v === 'string'
          ? splitValues(v)
          : Array.isArray(v) && v.every((s) => typeof s === 'string')
            ? v.flatMap(splitValues)
            : v,
      z.array(item),
    )
    .optional();

const ListJobsInput = z.object({
  team: csv(z.string().min(1)),
  /** user id, email, or `me` */
  user: z.string().trim().min(1).optional(),
  state: csv(z.enum(JOB_STATES)),
  gpuKind: csv(z.string().min(1)),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
type ListJobsInput = z.infer<typeof ListJobsInput>;

export interface JobPage {
  items: JobView[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * The queue and job history of the jobs the actor may see (job-access.ts). Waiting jobs come first
 * in queue order (the scheduler's overall position), then the rest newest first. The page's ids
 * come from jobs alone, walking jobs_queue_order_idx in this order and stopping after the page, and
 * only those rows are joined into views: sorting every matching joined row took 20-50 ms at 10,000
 * queued jobs.
 */
export async function listJobs({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<JobPage> {
  requireRole(ctx, 'viewer');
  const f = parseInput(ListJobsInput, input ?? {});
  // Only the jobs the actor may see (their own and their teams'; all for admins): docs/security.md.
  const visible = visibleJobsFilter(ctx);
  const where: SQL[] = visible ? [visible] : [];
  if (f.team?.length)
    where.push(inArray(jobs.teamId, ctx.db.select({ id: teams.id }).from(teams).where(inArray(teams.slug, f.team))));
  if (f.state?.length) where.push(inArray(jobs.state, f.state));
  if (f.gpuKind?.length) where.push(inArray(jobs.gpuKind, f.gpuKind));
  if (f.user) {
    const who = f.user === 'me' ? ctx.actor.id : f.user;
    where.push(
      /^[0-9a-f-]{36}$/i.test(who)
        ? eq(jobs.userId, who)
        : inArray(
            jobs.userId,
            ctx.db
              .select({ id: users.id })
              .from(users)
              .where(eq(sql`lower(${users.email})`, who.toLowerCase())),
          ),
    );
  }
  const filter = where.length ? and(...where) : undefined;
  const [page, [{ total }]] = await Promise.all([
    ctx.db
      .select({ id: jobs.id })
      .from(jobs)
      .where(filter)
      // Exactly jobs_queue_order_idx's keys (`state <> 'queued'` puts queued first; the index's id
      // is DESC NULLS LAST), so PostgreSQL reads the page in index order.
      .orderBy(sql`(${jobs.state} <> 'queued')`, asc(jobs.overallPosition), sql`${jobs.id} desc nulls last`)
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize),
    ctx.db.select({ total: count() }).from(jobs).where(filter),
  ]);
  const items = await loadJobViews(
    ctx,
    page.map((r) => r.id),
  );
  return { items, total, page: f.page, pageSize: f.pageSize };
}
