// Turns outbox rows into the events people read: the job, its team and owner, the step that failed,
// the job that needed the GPUs, each with a link to its page.
import { sql } from 'drizzle-orm';
import type { DbOrTx } from '@/lib/db/client';
import { rows } from '@/lib/db/driver-row';
import { env } from '@/lib/env';
import { eventOfTimeline, failedStepOf, isEventType, type EventType } from '@/lib/domain/notifications/events';
import type { NotificationEvent } from '@/lib/domain/notifications/payload';

export interface LoadedEvent {
  outboxId: number;
  /** null: the row notifies nobody (a job cancelled by its owner) */
  notification: NotificationEvent | null;
  ownerId: string | null;
  teamId: string | null;
  jobKind: string | null;
  runtimeSeconds: number | null;
}

interface Row {
  id: string;
  direct_event: string | null;
  payload: Record<string, unknown> | null;
  created_at: Date;
  cause: string | null;
  from_state: string | null;
  to_state: string | null;
  actor_id: string | null;
  actor_email: string | null;
  event_message: string | null;
  details: Record<string, unknown> | null;
  job_id: string | null;
  job_name: string | null;
  job_kind: string | null;
  job_state: string | null;
  owner_id: string | null;
  owner_email: string | null;
  team_id: string | null;
  team_slug: string | null;
  runtime_seconds: number | null;
  pf_id: string | null;
  pf_name: string | null;
  pf_team: string | null;
  pf_owner: string | null;
  pf_same_team: boolean | null;
  nodes: Record<
    string,
    { type?: string; phase?: string; displayName?: string; name: string; message?: string; finishedAt?: string }
  > | null;
}

export function consoleUrl(path: string): string {
  return `${env().appOrigin}${path}`;
}

export async function loadEvents(db: DbOrTx, ids: number[]): Promise<LoadedEvent[]> {
  if (!ids.length) return [];
  const found = await rows<Row>(
    db,
    sql`select o.id, o.event as direct_event, o.payload, o.created_at,
          e.cause, e.from_state, e.to_state, e.actor_id, au.email as actor_email, e.message as event_message, e.details,
          j.id as job_id, j.name as job_name, j.kind as job_kind, coalesce(e.to_state, j.state)::text as job_state, j.user_id as owner_id, u.email as owner_email,
          t.id as team_id, t.slug as team_slug,
          extract(epoch from (coalesce(j.finished_at, e.at) - j.started_at))::float8 as runtime_seconds,
          pj.id as pf_id, pj.name as pf_name, pt.slug as pf_team, pu.email as pf_owner, pj.team_id = j.team_id as pf_same_team,
          case when e.to_state = 'failed' then ws.nodes end as nodes
        from notification_outbox o
        left join job_events e on e.id = o.job_event_id
        left join users au on au.id = e.actor_id
        left join jobs j on j.id = coalesce(e.job_id, (o.payload->>'jobId')::bigint)
        left join users u on u.id = j.user_id
        left join teams t on t.id = coalesce(j.team_id, (o.payload->>'teamId')::uuid)
        left join jobs pj on pj.id = case when e.cause = 'PREEMPTED' then (e.details->>'forJobId')::bigint end
        left join teams pt on pt.id = pj.team_id
        left join users pu on pu.id = pj.user_id
        left join workflow_snapshots ws on ws.job_id = j.id
        where o.id = any(${`{${ids.join(',')}}`}::bigint[])
        order by o.id`,
  );
  return found.map((r) => ({
    outboxId: Number(r.id),
    notification: toNotification(r),
    ownerId: r.owner_id,
    teamId: r.team_id,
    jobKind: r.job_kind,
    runtimeSeconds: r.runtime_seconds === null ? null : Number(r.runtime_seconds),
  }));
}

/** The event a row stands for: recorded as such, or read from a job's timeline row. */
function eventOf(r: Row): EventType | null {
  if (r.direct_event) return isEventType(r.direct_event) ? r.direct_event : null;
  if (!r.owner_id) return null;
  return eventOfTimeline(
    { cause: r.cause ?? '', fromState: r.from_state, toState: r.to_state, actorId: r.actor_id },
    r.owner_id,
  );
}

function toNotification(r: Row): NotificationEvent | null {
  const event = eventOf(r);
  if (!event) return null;
  const at = new Date(r.created_at).toISOString();
  const payload = r.payload ?? {};
  const job =
    r.job_id && r.job_name
      ? {
          id: Number(r.job_id),
          name: r.job_name,
          state: r.job_state ?? '',
          team: r.team_slug ?? '',
          owner: r.owner_email ?? '',
          url: consoleUrl(`/jobs/${r.job_id}`),
        }
      : undefined;
  const base: NotificationEvent = {
    eventId: Number(r.id),
    event,
    at,
    message: String(payload.message ?? r.event_message ?? ''),
    url: payload.path ? consoleUrl(String(payload.path)) : (job?.url ?? consoleUrl('/')),
    ...(job ? { job } : {}),
  };
  const details = (payload.details ?? {}) as Partial<NotificationEvent>;
  switch (event) {
    case 'job.failed': {
      const step = r.nodes ? failedStepOf(r.nodes) : null;
      return {
        ...base,
        step,
        message:
          step && !base.message.includes(step.name)
            ? `${base.message} Failed step: ${step.name}${step.message ? ` (${step.message})` : ''}.`
            : base.message,
      };
    }
    case 'job.preempted':
      return withPreemptor(r, base);
    case 'job.cancelled':
      return { ...base, cancelledBy: r.actor_email };
    case 'gpu.idle': {
      const d = r.details ?? {};
      return {
        ...base,
        gpu: {
          deviceKey: String(d.deviceKey ?? ''),
          idleSince: d.idleSince ? String(d.idleSince) : null,
          avgUtilization: typeof d.avgUtilization === 'number' ? d.avgUtilization : null,
        },
      };
    }
    default:
      return { ...base, ...details };
  }
}

// Another team's job is named only as the scheduler's own reason sentence names it (its id and
// team): its name and owner are that team's business (docs/security.md), and this message reaches
// the victim's console, e-mail and webhooks.
function withPreemptor(r: Row, base: NotificationEvent): NotificationEvent {
  const same = r.pf_same_team === true;
  const preemptedFor = r.pf_id
    ? {
        id: Number(r.pf_id),
        name: same ? (r.pf_name ?? '') : null,
        team: r.pf_team ?? '',
        owner: same ? (r.pf_owner ?? '') : null,
      }
    : null;
  const who = !preemptedFor
    ? ''
    : same
      ? ` The GPUs went to job #${preemptedFor.id} ${preemptedFor.name} of team ${preemptedFor.team} (${preemptedFor.owner}).`
      : ` The GPUs went to job #${preemptedFor.id} of team ${preemptedFor.team}.`;
  return { ...base, preemptedFor, message: `${base.message}${who}` };
}
