// Who hears of an event, and on which channel: pure rules over preferences the server loads.
import { DEFAULT_EVENTS, type EventType } from './events';

export interface Preferences {
  consoleEvents: EventType[];
  emailEvents: EventType[];
  /** job.succeeded reaches the user's own channels only for runs at least this long */
  longJobMinutes: number;
  /** job.waiting after this many minutes in the queue; null: never */
  waitingMinutes: number | null;
}

export const DEFAULT_PREFERENCES: Preferences = {
  consoleEvents: [...DEFAULT_EVENTS],
  emailEvents: [...DEFAULT_EVENTS],
  longJobMinutes: 60,
  waitingMinutes: null,
};

/** The facts about an event the rules look at. */
export interface EventFacts {
  event: EventType;
  /** how long the job ran, for job.succeeded */
  runtimeSeconds?: number | null;
}

/** A user's own channel (console, e-mail): their event list, and the long-job rule for successes. */
export function userWants(
  events: readonly EventType[],
  prefs: Pick<Preferences, 'longJobMinutes'>,
  facts: EventFacts,
): boolean {
  if (!events.includes(facts.event)) return false;
  if (facts.event === 'job.succeeded') return (facts.runtimeSeconds ?? 0) >= prefs.longJobMinutes * 60;
  return true;
}

/** A webhook names its events explicitly, so every listed event goes, short successes included. */
export function webhookWants(events: readonly string[], facts: EventFacts): boolean {
  return events.includes(facts.event);
}

/** Events about a job go to its owner; budget events to the team's researchers and admins. */
export function audienceOf(event: EventType): 'owner' | 'team' {
  return event === 'quota.budget' ? 'team' : 'owner';
}

/** Budget thresholds (percent of a team's weekly GPU-hours) that notify. */
const BUDGET_THRESHOLDS = [80, 100] as const;

/** The highest threshold reached, or null below the first: a jump past both tells once, at 100 %. */
export function budgetThreshold(usedHours: number, weeklyHours: number): number | null {
  if (weeklyHours <= 0) return null;
  const percent = (usedHours / weeklyHours) * 100;
  const reached = BUDGET_THRESHOLDS.filter((t) => percent >= t);
  return reached.length ? reached[reached.length - 1] : null;
}
