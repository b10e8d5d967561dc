// How much room a user's queue had at the last count, so most submissions skip counting it.
//
// The cap on queued jobs per user is checked in the submission statement by counting the user's
// queued jobs (up to the cap). That count costs ~0.3 us a queued job: at 1,000 submissions a second
// from users with hundreds queued it doubled PostgreSQL's CPU per submission (bench api-submit). So
// each web process remembers the room a count found, for a second, and takes from it one job at a
// time: a job taken from a remembered room is inserted unchecked; the others (no fresh room, or
// less than a tenth of the cap left) are counted by the statement as before.
//
// Why the cap still holds: room only shrinks through submissions, and this process's own take from
// the remembered room one by one; admissions and cancellations only grow it (a stale room is too
// small, never too large). What a second of memory misses is other web processes' submissions and
// retried or preempted jobs re-entering the queue, which the tenth of the cap kept in reserve
// absorbs before the next count.

const FRESH_MS = 1_000;

interface Room {
  left: number;
  at: number;
}

const rooms = new Map<string, Room>();

function reserveOf(cap: number): number {
  return Math.max(1, Math.ceil(cap / 10));
}

/** True when this job may be inserted without counting: it takes one place of a fresh remembered room. */
export function takeQueueRoom(userId: string, cap: number, now = Date.now()): boolean {
  const room = rooms.get(`${userId}:${cap}`);
  if (!room || now - room.at > FRESH_MS || room.left - 1 < reserveOf(cap)) return false;
  room.left -= 1;
  return true;
}

/** After a count: `left` places remained once the counted job was in. Keeps the smaller of two fresh rooms. */
export function rememberQueueRoom(userId: string, cap: number, left: number, now = Date.now()): void {
  const key = `${userId}:${cap}`;
  const room = rooms.get(key);
  if (room && now - room.at <= FRESH_MS) room.left = Math.min(room.left, left);
  else rooms.set(key, { left, at: now });
}
