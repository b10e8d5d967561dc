import { and, asc, count, desc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { jobs, teams, users } from '@/lib/db/schema';
import { requireRole, type Ctx } from '../context';
import { parseInput } from '../validate';
import { jobColumns, toJobView, type JobView } from './job-view';

const STATES = ['queued', 'admitted', 'submitted', 'running', 'succeeded', 'failed', 'cancelled', 'preempted'] as const;
const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter(Boolean) : v), z.array(item)).optional();

export const ListJobsInput = z.object({
  team: csv(z.string().min(1)),
  /** user id, email, or `me` */
  user: z.string().trim().min(1).optional(),
  state: csv(z.enum(STATES)),
  gpuKind: csv(z.string().min(1)),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListJobsInput = z.infer<typeof ListJobsInput>;

export interface JobPage {
  items: JobView[];
  total: number;
  page: number;
  pageSize: number;
}

/**
 * The queue and job history. Waiting jobs come first in queue order (the scheduler's overall
 * position), then the rest newest first; indexes on (state, position) keep 10,000 queued jobs fast.
 */
export async function listJobs({ ctx, input }: { ctx: Ctx; input: unknown }): Promise<JobPage> {
  requireRole(ctx, 'viewer');
  const f = parseInput(ListJobsInput, input ?? {});
  const where: SQL[] = [];
  if (f.team?.length) where.push(inArray(teams.slug, f.team));
  if (f.state?.length) where.push(inArray(jobs.state, f.state));
  if (f.gpuKind?.length) where.push(inArray(jobs.gpuKind, f.gpuKind));
  if (f.user) {
    const who = f.user === 'me' ? ctx.actor.id : f.user;
    where.push(/^[0-9a-f-]{36}$/i.test(who) ? eq(jobs.userId, who) : or(eq(sql`lower(${users.email})`, who.toLowerCase()))!);
  }
  const filter = where.length ? and(...where) : undefined;
  const [rows, [{ total }]] = await Promise.all([
    ctx.db
      .select(jobColumns)
      .from(jobs)
      .innerJoin(teams, eq(teams.id, jobs.teamId))
      .innerJoin(users, eq(users.id, jobs.userId))
      .where(filter)
      .orderBy(sql`(${jobs.state} = 'queued') desc`, asc(jobs.overallPosition), desc(jobs.id))
      .limit(f.pageSize)
      .offset((f.page - 1) * f.pageSize),
    ctx.db
      .select({ total: count() })
      .from(jobs)
      .innerJoin(teams, eq(teams.id, jobs.teamId))
      .innerJoin(users, eq(users.id, jobs.userId))
      .where(filter),
  ]);
  return { items: rows.map(toJobView), total, page: f.page, pageSize: f.pageSize };
}
