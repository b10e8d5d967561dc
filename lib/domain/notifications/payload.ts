// What a notification says: the event record, the JSON webhook body, the Slack incoming-webhook
// body and the e-mail text. One event, or a digest of a burst.
import { EVENT_LABELS, type EventType } from './events';

interface JobRef {
  id: number;
  name: string;
  state: string;
  team: string;
  owner: string;
  url: string;
}

/** One event as recorded for delivery (the webhook body's fields, less the delivery id). */
export interface NotificationEvent {
  /** the outbox id: the same event in a digest and in the console */
  eventId: number;
  event: EventType;
  at: string;
  message: string;
  /** the page it is about */
  url: string;
  job?: JobRef;
  /** job.failed: the step that failed and its message */
  step?: { name: string; message: string | null } | null;
  /** job.preempted: the job that needed the GPUs (its name and owner only within the victim's team) */
  preemptedFor?: { id: number; name: string | null; team: string; owner: string | null } | null;
  cancelledBy?: string | null;
  waiting?: { reason: string | null; eta: string | null; minutes: number };
  gpu?: { deviceKey: string; idleSince: string | null; avgUtilization: number | null };
  budget?: { team: string; gpuKind: string; percent: number; usedGpuHours: number; weeklyGpuHours: number };
  sweep?: { datasetId: string; top: Record<string, unknown> | null };
}

// A test message (webhook.test) is not one of the subscribable events: it goes by its name.
function labelOf(event: string): string {
  return (EVENT_LABELS as Record<string, string>)[event] ?? event;
}

/** The JSON webhook body: the event itself, or a digest holding every event of the burst. */
export function jsonBody(deliveryId: string, events: NotificationEvent[]): Record<string, unknown> {
  if (events.length === 1) {
    const { eventId, ...rest } = events[0];
    return { id: deliveryId, ...rest, eventId };
  }
  return {
    id: deliveryId,
    event: 'digest',
    at: events[events.length - 1].at,
    message: digestSummary(events),
    count: events.length,
    events,
  };
}

/** The X-Gantry-Event header: the event, or `digest`. */
export function headerEvent(events: NotificationEvent[]): string {
  return events.length === 1 ? events[0].event : 'digest';
}

/** "12 notifications: 10 Job failed, 2 Job preempted" (counts in order of first appearance). */
function digestSummary(events: NotificationEvent[]): string {
  const counts = new Map<EventType, number>();
  for (const e of events) counts.set(e.event, (counts.get(e.event) ?? 0) + 1);
  const parts = [...counts].map(([event, n]) => `${n} ${labelOf(event)}`);
  return `${events.length} notifications: ${parts.join(', ')}`;
}

// Slack mrkdwn treats &, < and > as control characters (https://api.slack.com/reference/surfaces/formatting#escaping).
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function slackLine(e: NotificationEvent): string {
  const title = e.job ? `${labelOf(e.event)}: ${e.job.name} (#${e.job.id})` : labelOf(e.event);
  return `*<${e.url}|${slackEscape(title)}>*\n${slackEscape(e.message)}`;
}

// A message has at most 50 blocks; a digest shows the first 20 events and counts the rest.
const SLACK_DIGEST_LINES = 20;

/** A Slack incoming-webhook body: `text` (the notification and fallback) plus blocks. */
export function slackBody(events: NotificationEvent[]): { text: string; blocks: Array<Record<string, unknown>> } {
  if (events.length === 1) {
    const e = events[0];
    // Escaped like the blocks: `text` is mrkdwn too (the notification and fallback), and a job name or
    // step message is anyone's text: `<!channel>` or `<https://evil|Sign in>` must stay literal.
    const text = `${labelOf(e.event)}${e.job ? ` (${slackEscape(e.job.name)}, #${e.job.id})` : ''}: ${slackEscape(e.message)} ${e.url}`;
    const fields = e.job
      ? [`Team ${slackEscape(e.job.team)}`, `Owner ${slackEscape(e.job.owner)}`, `State ${e.job.state}`]
      : [];
    return {
      text,
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: slackLine(e) } },
        ...(fields.length ? [{ type: 'context', elements: fields.map((f) => ({ type: 'mrkdwn', text: f })) }] : []),
      ],
    };
  }
  const shown = events.slice(0, SLACK_DIGEST_LINES);
  const more = events.length - shown.length;
  return {
    text: digestSummary(events),
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: digestSummary(events).slice(0, 150) } },
      ...shown.map((e) => ({ type: 'section', text: { type: 'mrkdwn', text: slackLine(e) } })),
      ...(more > 0 ? [{ type: 'context', elements: [{ type: 'mrkdwn', text: `and ${more} more` }] }] : []),
    ],
  };
}

/** The e-mail: subject and plain text, every event with its link. */
export function emailMessage(events: NotificationEvent[]): { subject: string; text: string } {
  const subject =
    events.length === 1
      ? `[Gantry] ${labelOf(events[0].event)}${events[0].job ? `: ${events[0].job.name}` : ''}`
      : `[Gantry] ${digestSummary(events)}`;
  const text = events
    .map((e) => `${labelOf(e.event)}${e.job ? `: ${e.job.name} (#${e.job.id})` : ''}\n${e.message}\n${e.url}\n`)
    .join('\n');
  return { subject, text };
}
