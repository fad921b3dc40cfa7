import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/core/principal';
import { DEFAULT_CARE_POLICY } from '#shared/care/policy';
import {
  addInteraction,
  assertNotFuture,
  assertTicketMove,
  decayFactor,
  decayIntent,
  followUpRange,
  followUpStatus,
  intentLevel,
  intentScore,
  isBreached,
  nextFollowUpAt,
  npsCategory,
  npsScope,
  npsSummary,
  ticketSla,
  withComplaint,
} from '#shared/care/rules';
import { monthDayWindow, nextOccurrence, occurrenceWithin } from '#shared/care/calendar';
import { reminderEntries, withCareDerived } from '#shared/care/entries';
import { remindersDue, type ReminderEntry } from '#shared/care/follow-ups';
import type { Customer } from '#shared/customers/schemas';

const intentPolicy = DEFAULT_CARE_POLICY.intent;
const DAY = 86_400_000;
const at = (iso: string, days: number) => new Date(Date.parse(iso) + days * DAY).toISOString();
const NOW = '2026-06-15T12:00:00.000Z';

describe('intent: weights with exponential decay', () => {
  it('halves a contribution every half-life', () => {
    expect(decayFactor(0, 14)).toBe(1);
    expect(decayFactor(14 * DAY, 14)).toBeCloseTo(0.5, 12);
    expect(decayFactor(28 * DAY, 14)).toBeCloseTo(0.25, 12);
    expect(decayFactor(-DAY, 14)).toBe(1); // clock skew never inflates a score
  });

  it('maps the score to hot / warm / cold by the policy thresholds', () => {
    expect(intentLevel(10, intentPolicy)).toBe('hot');
    expect(intentLevel(9.99, intentPolicy)).toBe('warm');
    expect(intentLevel(4, intentPolicy)).toBe('warm');
    expect(intentLevel(3.99, intentPolicy)).toBe('cold');
  });

  it('the incremental score (one stored number) equals the definition over every interaction', () => {
    const events = [
      { type: 'email' as const, at: at(NOW, -40) },
      { type: 'demo' as const, at: at(NOW, -10) },
      { type: 'quote_request' as const, at: at(NOW, -3) },
      { type: 'call' as const, at: at(NOW, -20) }, // logged late, back-dated
    ];
    let intent;
    const loggedAt = [at(NOW, -40), at(NOW, -10), at(NOW, -3), at(NOW, -1)];
    for (const [i, event] of events.entries()) intent = addInteraction(intent, event, intentPolicy, loggedAt[i]!);
    const today = decayIntent(intent!, intentPolicy, NOW);
    expect(today.score).toBeCloseTo(intentScore(events, intentPolicy, NOW), 2);
    // 8·0.5^(3/14) + 5·0.5^(10/14) + 2·0.5^(20/14) + 1·0.5^(40/14) ≈ 6.90 + 3.04 + 0.74 + 0.14
    expect(today.score).toBeCloseTo(10.82, 1);
    expect(today.level).toBe('hot');
    expect(today.lastInteractionAt).toBe(at(NOW, -3));
  });

  it('decays to warm and then cold as time passes without interactions', () => {
    const hot = addInteraction(addInteraction(undefined, { type: 'quote_request', at: NOW }, intentPolicy, NOW), { type: 'demo', at: NOW }, intentPolicy, NOW);
    expect(hot).toMatchObject({ score: 13, level: 'hot' });
    expect(decayIntent(hot, intentPolicy, at(NOW, 14))).toMatchObject({ score: 6.5, level: 'warm' });
    expect(decayIntent(hot, intentPolicy, at(NOW, 42)).level).toBe('cold');
    // A longer half-life (policy change) decays more slowly from the moment it applies.
    expect(decayIntent(hot, intentPolicy, at(NOW, 7)).level).toBe('warm');
    expect(decayIntent(hot, { ...intentPolicy, halfLifeDays: 28 }, at(NOW, 7)).level).toBe('hot');
  });

  it('refuses interactions in the future, allowing a minute of client clock skew', () => {
    expect(() => assertNotFuture(at(NOW, 1), NOW)).toThrow(/future/);
    expect(() => assertNotFuture(new Date(Date.parse(NOW) + 30_000).toISOString(), NOW)).not.toThrow();
  });
});

describe('follow-up cadence by tier', () => {
  const customer = { tier: 'A' as const, createdAt: '2026-01-01T00:00:00.000Z' };

  it('is due a cadence after the last visit or call, or after creation when never contacted', () => {
    expect(nextFollowUpAt(customer, DEFAULT_CARE_POLICY)).toBe('2026-01-15T00:00:00.000Z');
    expect(nextFollowUpAt({ ...customer, tier: 'D' }, DEFAULT_CARE_POLICY)).toBe('2026-04-01T00:00:00.000Z');
    expect(nextFollowUpAt({ ...customer, tier: 'B', care: { lastContactAt: '2026-03-01T09:00:00.000Z' } }, DEFAULT_CARE_POLICY)).toBe('2026-03-31T09:00:00.000Z');
  });

  it('classifies overdue (past due) and due (within 7 days) and builds the matching key ranges', () => {
    expect(followUpStatus(at(NOW, -1), NOW)).toBe('overdue');
    expect(followUpStatus(at(NOW, 7), NOW)).toBe('due');
    expect(followUpStatus(at(NOW, 8), NOW)).toBe('later');
    const overdue = followUpRange('overdue', NOW);
    expect(`${at(NOW, -1)}#c1` >= overdue.from && `${at(NOW, -1)}#c1` <= overdue.to).toBe(true);
    expect(`${at(NOW, 1)}#c1` <= overdue.to).toBe(false);
    const due = followUpRange('due', NOW);
    expect(`${at(NOW, 7)}#c1` >= due.from && `${at(NOW, 7)}#c1` <= due.to).toBe(true);
    expect(`${at(NOW, -1)}#c1` >= due.from).toBe(false);
  });

  it('derives care on a customer: signals present, intent cold, next follow-up from the tier', () => {
    const derived = withCareDerived({ id: 'c1', createdAt: '2026-01-01T00:00:00.000Z', tier: 'C', contacts: [] } as unknown as Customer, DEFAULT_CARE_POLICY);
    expect(derived.care).toEqual({ openTickets: 0, complaintDates: [], nextFollowUpAt: '2026-03-02T00:00:00.000Z' });
    expect(derived.intent).toMatchObject({ score: 0, level: 'cold' });
  });
});

describe('tickets: SLA and status moves', () => {
  it('gives each severity its SLA and flags a breach only past the due time', () => {
    expect(ticketSla('critical', NOW, DEFAULT_CARE_POLICY)).toEqual({ slaHours: 4, dueAt: '2026-06-15T16:00:00.000Z' });
    expect(ticketSla('high', NOW, DEFAULT_CARE_POLICY).dueAt).toBe(at(NOW, 1));
    expect(ticketSla('medium', NOW, DEFAULT_CARE_POLICY).dueAt).toBe(at(NOW, 3));
    expect(ticketSla('low', NOW, DEFAULT_CARE_POLICY).dueAt).toBe(at(NOW, 5));
    expect(isBreached({ dueAt: at(NOW, 1) }, NOW)).toBe(false);
    expect(isBreached({ dueAt: at(NOW, -1) }, NOW)).toBe(true);
    expect(isBreached({ dueAt: at(NOW, -1), resolvedAt: at(NOW, -2) }, NOW)).toBe(false);
  });

  it('moves forward only', () => {
    expect(() => assertTicketMove('open', 'in_progress')).not.toThrow();
    expect(() => assertTicketMove('open', 'resolved')).not.toThrow();
    expect(() => assertTicketMove('in_progress', 'resolved')).not.toThrow();
    expect(() => assertTicketMove('in_progress', 'in_progress')).toThrow(/cannot move/);
    expect(() => assertTicketMove('resolved', 'in_progress')).toThrow(/cannot move/);
  });

  it('keeps complaint dates of the last 90 days, one per complaint', () => {
    expect(withComplaint(['2026-01-01', '2026-03-20', '2026-06-01'], '2026-06-15')).toEqual(['2026-03-20', '2026-06-01', '2026-06-15']);
    expect(withComplaint(['2026-06-15'], '2026-06-15')).toEqual(['2026-06-15', '2026-06-15']);
  });
});

describe('NPS', () => {
  it('buckets scores and computes % promoters − % detractors', () => {
    expect([0, 6, 7, 8, 9, 10].map(npsCategory)).toEqual(['detractor', 'detractor', 'passive', 'passive', 'promoter', 'promoter']);
    expect(npsSummary({ promoters: 5, passives: 3, detractors: 2, csatResponses: 4, csatTotal: 17 })).toMatchObject({ responses: 10, nps: 30, csat: { responses: 4, average: 4.25 } });
    expect(npsSummary({ promoters: 0, passives: 0, detractors: 3, csatResponses: 0, csatTotal: 0 })).toMatchObject({ nps: -100, csat: { average: null } });
    expect(npsSummary({ promoters: 0, passives: 0, detractors: 0, csatResponses: 0, csatTotal: 0 }).nps).toBeNull();
  });

  it('scopes the report like the funnel: own team, own region, everyone by role; outside is 403', () => {
    const rep: Principal = { userId: 'r1', name: 'R', roles: ['rep'], teamId: 't1', regionId: 'east' };
    const manager: Principal = { userId: 'm1', name: 'M', roles: ['manager'], teamId: 't1', regionId: 'east' };
    const director: Principal = { userId: 'd1', name: 'D', roles: ['director'], regionId: 'east' };
    const vp: Principal = { userId: 'vp', name: 'V', roles: ['vp'] };
    expect(npsScope(rep, {}, {})).toEqual({ kind: 'owner', id: 'r1' });
    expect(npsScope(manager, {}, {})).toEqual({ kind: 'team', id: 't1' });
    expect(npsScope(director, {}, {})).toEqual({ kind: 'region', id: 'east' });
    expect(npsScope(vp, {}, {})).toEqual({ kind: 'all' });
    expect(npsScope(director, { teamId: 't1' }, { team: { id: 't1', regionId: 'east' } })).toEqual({ kind: 'team', id: 't1' });
    expect(() => npsScope(director, { teamId: 't9' }, { team: { id: 't9', regionId: 'south' } })).toThrow(/own team/);
    expect(() => npsScope(rep, { teamId: 't1' }, { team: { id: 't1', regionId: 'east' } })).toThrow(/own team/);
    expect(() => npsScope(manager, { regionId: 'east' }, { region: { id: 'east' } })).toThrow(/director/);
    expect(() => npsScope(rep, { customerId: 'c9' }, { customerVisible: false })).toThrow(/not found/);
    expect(() => npsScope(vp, { teamId: 't1', regionId: 'east' }, {})).toThrow(/one of/);
  });
});

describe('reminders: month-day windows', () => {
  it('builds one key range, continuing into the twin keys past Dec 31', () => {
    expect(monthDayWindow('2026-06-15', 7)).toEqual({ from: '06-15', to: '06-22', last: '2026-06-22' });
    expect(monthDayWindow('2026-12-28', 7)).toEqual({ from: '12-28', to: '13-04', last: '2027-01-04' });
    expect(monthDayWindow('2026-12-31', 60)).toEqual({ from: '12-31', to: '15-01', last: '2027-03-01' });
    expect(monthDayWindow('2027-03-01', 7).from).toBe('02-29'); // Feb 29 birthdays are celebrated on Mar 1 in common years
    expect(() => monthDayWindow('2026-06-15', 61)).toThrow(RangeError);
  });

  it('finds the next occurrence, this year or next', () => {
    expect(nextOccurrence('06-20', '2026-06-15')).toBe('2026-06-20');
    expect(nextOccurrence('01-03', '2026-12-28')).toBe('2027-01-03');
    expect(nextOccurrence('02-29', '2027-02-01')).toBe('2027-03-01');
    expect(nextOccurrence('02-29', '2028-02-01')).toBe('2028-02-29');
    expect(occurrenceWithin('01-03', '2026-12-28', '2027-01-04', 1990)).toEqual({ date: '2027-01-03', inDays: 6, years: 37 });
  });

  it('selects exactly the birthdays in the window, every start day of a common and a leap year, 0–60 days ahead', () => {
    // One contact per calendar day (366 month-days), indexed the way the entries are.
    const contacts = Array.from({ length: 366 }, (_, i) => new Date(Date.UTC(2028, 0, 1) + i * DAY).toISOString().slice(5, 10));
    const entries = contacts.flatMap((md) =>
      reminderEntries({ id: md, name: md, ownerId: 'o', regionId: 'r', createdAt: '2020-07-01T00:00:00.000Z', contacts: [{ name: md, birthday: `--${md}` }] } as unknown as Customer).filter(
        (e) => e.kind === 'birthday',
      ),
    );
    for (const year of [2026, 2027]) {
      for (let start = Date.UTC(year, 0, 1); start < Date.UTC(year + 1, 0, 1); start += DAY) {
        const today = new Date(start).toISOString().slice(0, 10);
        for (const days of [0, 7, 60]) {
          const window = monthDayWindow(today, days);
          const hit = entries.filter((e) => String(e.GSI4SK) >= window.from && String(e.GSI4SK) <= `${window.to}~`) as unknown as ReminderEntry[];
          const got = remindersDue(hit, today, window.last).map((r) => `${r.contactName}@${r.date}`).sort();
          const expected: string[] = [];
          for (let d = 0; d <= days; d++) {
            const date = new Date(start + d * DAY).toISOString().slice(0, 10);
            expected.push(`${date.slice(5)}@${date}`);
            const common = Number(date.slice(0, 4)) % 4 !== 0;
            if (common && date.slice(5) === '03-01') expected.push(`02-29@${date}`);
          }
          expect(got, `${today} + ${days}`).toEqual(expected.sort());
        }
      }
    }
  });

  it('skips an anniversary in its first year and counts the years after', () => {
    const entry = (sinceYear: number): ReminderEntry => ({ slot: 'anniversary', kind: 'anniversary', customerId: 'c', customerName: 'C', ownerId: 'o', monthDay: '06-16', sinceYear });
    expect(remindersDue([entry(2026)], '2026-06-15', '2026-06-22')).toEqual([]);
    expect(remindersDue([entry(2023)], '2026-06-15', '2026-06-22')).toMatchObject([{ date: '2026-06-16', inDays: 1, years: 3 }]);
  });
});
