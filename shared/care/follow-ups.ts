import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { careKeys, keys } from '#shared/core/keys';
import type { Page } from '#shared/core/pagination';
import { fromItem } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { listScope } from './access.ts';
import { monthDayWindow, occurrenceWithin, type Occurrence } from './calendar.ts';
import { followUpRange } from './rules.ts';
import type { ScopeQuery } from './schemas.ts';
import { queryRange } from './store.ts';

/** A follow-up entry as stored (one per active customer; see entries.ts). */
export interface FollowUpEntry {
  customerId: string;
  name: string;
  tier: string;
  ownerId: string;
  teamId?: string;
  regionId: string;
  dueAt: string;
  lastContactAt: string | null;
  overdue?: boolean;
}

/** A birthday or anniversary entry as stored. */
export interface ReminderEntry {
  slot: string;
  kind: 'birthday' | 'anniversary';
  customerId: string;
  customerName: string;
  ownerId: string;
  teamId?: string;
  contactName?: string;
  monthDay: string;
  sinceYear?: number;
}

/**
 * The reminders of a window that are real occurrences: inside the window (the Feb 29 edge aside) and, for an
 * anniversary, at least one year on (a customer created this week has no anniversary yet).
 */
export function remindersDue(entries: ReminderEntry[], today: string, last: string): (ReminderEntry & Occurrence)[] {
  return entries.flatMap((entry) => {
    const occurrence = occurrenceWithin(entry.monthDay, today, last, entry.sinceYear);
    if (!occurrence || (entry.kind === 'anniversary' && (occurrence.years ?? 0) < 1)) return [];
    return [{ ...entry, ...occurrence }];
  });
}

/** `GET /follow-ups` and `GET /care/reminders`: one Query on the caller's own or team partition, by time. */
export function createFollowUpService({ db, clock }: { db: Db; clock: Clock }) {
  /** principal (+ the team named, to check it) in one BatchGet. */
  async function scopeOf(session: Session, query: ScopeQuery) {
    const { principal, items } = await session.load(query.teamId ? [keys.team(query.teamId)] : []);
    const team = items[0] && fromItem<{ id: string; regionId: string }>(items[0]);
    return listScope(principal, query, team);
  }

  return {
    /** overdue: due before now, oldest first; due: due from now to 7 days ahead, soonest first. */
    async followUps(session: Session, query: ScopeQuery & { status: 'due' | 'overdue'; limit: number; cursor?: string }) {
      const scope = await scopeOf(session, query);
      const now = clock.now().toISOString();
      const page = await queryRange<FollowUpEntry>(db, {
        index: scope.kind === 'OWNER' ? 'GSI1' : 'GSI2',
        partition: careKeys.followUpPartition(scope.kind, scope.id),
        ...followUpRange(query.status, now),
        limit: query.limit,
        cursor: query.cursor,
      });
      return { items: page.items.map((entry) => ({ ...entry, overdue: entry.dueAt < now })), nextCursor: page.nextCursor };
    },

    /** Birthdays and anniversaries from today to today + days (UTC, ≤ 60): one BETWEEN on the month-day keys. */
    async reminders(session: Session, query: ScopeQuery & { days: number; limit: number; cursor?: string }): Promise<Page<unknown>> {
      const scope = await scopeOf(session, query);
      const today = clock.now().toISOString().slice(0, 10);
      const window = monthDayWindow(today, query.days);
      const page = await queryRange<ReminderEntry>(db, {
        index: scope.kind === 'OWNER' ? 'GSI1' : 'GSI2',
        partition: careKeys.reminderPartition(scope.kind, scope.id),
        from: window.from,
        to: `${window.to}~`,
        limit: query.limit,
        cursor: query.cursor,
      });
      const items = remindersDue(page.items, today, window.last).map(({ slot: _slot, monthDay: _md, sinceYear: _since, teamId: _team, ...reminder }) => reminder);
      return { items, nextCursor: page.nextCursor };
    },
  };
}
