import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { auditPut } from '#shared/core/audit';
import { AppError, conflict, invalid } from '#shared/core/errors';
import { newId } from '#shared/core/ids';
import { withIdempotency } from '#shared/core/idempotency';
import { keys, motivationKeys } from '#shared/core/keys';
import type { Page } from '#shared/core/pagination';
import { fromItem, queryTable } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import type { ScopeFields } from '#shared/core/principal';
import { putIfAbsent, transact, type TransactItem } from '#shared/core/write';
import { batchGet } from '#shared/care/store';
import { notificationId } from '#shared/notifications/service';
import { BADGES, assertCanManage, assertCanRead, isBadge, personScope, withLabel, type Badge, type CreateRecognition, type Person, type Recognition } from './badges.ts';

/**
 * Recognition: badges given by managers (POST /recognitions) or awarded when a review cycle closes (awardBadges),
 * each in one transaction with the recipient's notification and an audit entry. A person's badges are one item
 * collection sorted by award time, so GET /users/{id}/recognitions is one Query.
 */
const recognitionItem = (r: Recognition) => ({ ...motivationKeys.recognition(r.userId, r.awardedAt, r.id), type: 'recognition', ...r });

const labelsOf = (badges: Badge[]) => badges.map((b) => `${BADGES[b].en} (${BADGES[b]['zh-CN']})`).join(', ');

/** The recipient's notification; its id comes from the event, so a retried award cannot notify twice. */
function notificationPut(db: Db, userId: string, at: string, event: string, badges: Badge[], reason: string): TransactItem {
  const id = notificationId(at, event, userId);
  const title = `${badges.length > 1 ? 'New badges' : 'New badge'}: ${labelsOf(badges)}`;
  return putIfAbsent(db, { ...keys.notification(userId, id), type: 'notification', id, userId, kind: 'recognition', title, body: reason, createdAt: at, readAt: null });
}

const auditOf = (db: Db, r: Recognition, scope: ScopeFields) =>
  auditPut(db, { entityType: 'recognition', entityId: r.id, action: 'award', actorId: r.awardedBy, at: r.awardedAt, after: { ...r }, scope });

export function createRecognitionService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    /** The recipient is read with the principal (1 round trip), then one transaction: badge, notification, audit. */
    async give(session: Session, input: CreateRecognition, idempotencyKey?: string) {
      const { principal, items } = await session.load([keys.user(input.userId)]);
      const person = assertCanManage(principal, items[0] && fromItem<Person>(items[0]), input.userId, 'recognise');
      const idempotency = idempotencyKey ? { principalId: principal.userId, key: idempotencyKey, request: { route: 'POST /recognitions', input } } : undefined;
      return withIdempotency(db, idempotency, clock.now(), async (record) => {
        const now = clock.now().toISOString();
        const recognition: Recognition = { id: newId(), userId: person.id, badge: input.badge, reason: input.reason, awardedBy: principal.userId, awardedAt: now, source: 'manual' };
        const response = { status: 201, body: withLabel(recognition) };
        await transact(
          db,
          [putIfAbsent(db, recognitionItem(recognition)), notificationPut(db, person.id, now, `recognition/${recognition.id}`, [input.badge], input.reason), auditOf(db, recognition, personScope(person)), ...record(response)],
          () => conflict('already_exists', 'This recognition was already recorded'),
        );
        return response;
      });
    },

    /** Newest first: the person is read with the principal while their badges are queried (2 calls, in parallel). */
    async list(session: Session, userId: string, page: { limit: number; cursor?: string }): Promise<Page<ReturnType<typeof withLabel>>> {
      const [{ principal, items }, found] = await Promise.all([
        session.load([keys.user(userId)]),
        queryTable<Recognition>(db, { partition: motivationKeys.recognitionPartition(userId), sortPrefix: motivationKeys.recognitionPrefix, descending: true, ...page }),
      ]);
      assertCanRead(principal, items[0] && fromItem<Person>(items[0]), userId);
      return { items: found.items.map(withLabel), nextCursor: found.nextCursor };
    },
  };
}

export interface CycleAward {
  userId: string;
  badge: string;
  reason: string;
  period: string;
  cycleId: string;
  awardedBy: string;
  at: string;
}

/** Awards per transaction: a guard, the badge and its audit each (3 items) + one notification, under the 100-item limit. */
const AWARDS_PER_WRITE = 32;
const PARALLEL_RECIPIENTS = 8;

function validate(awards: CycleAward[]): void {
  const fields: Record<string, string> = {};
  awards.forEach((a, i) => {
    if (!isBadge(a.badge)) fields[`awards.${i}.badge`] = `Unknown badge; use one of ${Object.keys(BADGES).join(', ')}`;
    for (const name of ['userId', 'cycleId', 'awardedBy', 'period', 'reason'] as const) if (!a[name]?.trim()) fields[`awards.${i}.${name}`] = 'Required';
    if (Number.isNaN(Date.parse(a.at))) fields[`awards.${i}.at`] = 'Use an ISO-8601 date-time';
  });
  if (Object.keys(fields).length > 0) throw invalid('Some awards are not valid', fields);
}

/**
 * Badges awarded when a performance review cycle closes. Idempotent per cycleId × badge × userId: a guard item is
 * Put (only if absent) in the same transaction as the badge, so a retried close awards nothing twice; each recipient
 * gets one notification for the badges this call gave them (its id derives from cycle and badges: a retry that gives
 * nothing new notifies nobody). Recipients are written in parallel, 8 at a time, one transaction each.
 */
export async function awardBadges(db: Db, awards: { userId: string; badge: string; reason: string; period: string; cycleId: string; awardedBy: string; at: string }[]): Promise<{ awarded: number; already: number }> {
  validate(awards);
  const unique = [...new Map(awards.map((a) => [`${a.userId}|${a.cycleId}|${a.badge}`, a])).values()];
  const byUser = new Map<string, CycleAward[]>();
  for (const a of unique) byUser.set(a.userId, [...(byUser.get(a.userId) ?? []), a]);
  const groups = [...byUser.values()].flatMap((list) => Array.from({ length: Math.ceil(list.length / AWARDS_PER_WRITE) }, (_, i) => list.slice(i * AWARDS_PER_WRITE, (i + 1) * AWARDS_PER_WRITE)));
  // Repeats inside one call count as already awarded.
  const total = { awarded: 0, already: awards.length - unique.length };
  for (let i = 0; i < groups.length; i += PARALLEL_RECIPIENTS) {
    for (const result of await Promise.all(groups.slice(i, i + PARALLEL_RECIPIENTS).map((list) => awardTo(db, list)))) {
      total.awarded += result.awarded;
      total.already += result.already;
    }
  }
  return total;
}

/** One recipient's awards: read their guards, write the missing ones; a twin run that wins the race is re-read. */
async function awardTo(db: Db, list: CycleAward[]): Promise<{ awarded: number; already: number }> {
  for (let attempt = 1; ; attempt++) {
    const guards = await batchGet(db, list.map((a) => motivationKeys.cycleAward(a.userId, a.cycleId, a.badge)));
    const fresh = list.filter((_, i) => !guards[i]);
    if (fresh.length === 0) return { awarded: 0, already: list.length };
    try {
      await transact(db, awardWrites(db, fresh), () => conflict('already_awarded', 'A badge of this cycle was awarded at the same moment'));
      return { awarded: fresh.length, already: list.length - fresh.length };
    } catch (error) {
      if (attempt >= 3 || !(error instanceof AppError && error.status === 409)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
    }
  }
}

function awardWrites(db: Db, fresh: CycleAward[]): TransactItem[] {
  const userId = fresh[0]!.userId;
  const writes = fresh.flatMap((a) => {
    const r: Recognition = { id: newId(), userId, badge: a.badge as Badge, reason: a.reason, awardedBy: a.awardedBy, awardedAt: a.at, source: 'review_cycle', cycleId: a.cycleId, period: a.period };
    const guard = { ...motivationKeys.cycleAward(userId, a.cycleId, a.badge), type: 'cycle_award', recognitionId: r.id, cycleId: a.cycleId, badge: a.badge, awardedAt: a.at };
    return [putIfAbsent(db, guard), putIfAbsent(db, recognitionItem(r)), auditOf(db, r, { ownerId: userId })];
  });
  const badges = fresh.map((a) => a.badge as Badge);
  const event = `recognition/${[...new Set(fresh.map((a) => a.cycleId))].sort().join('+')}/${[...badges].sort().join('+')}`;
  const reason = fresh.map((a) => `${BADGES[a.badge as Badge].en}: ${a.reason}`).join('\n');
  return [...writes, notificationPut(db, userId, fresh[0]!.at, event, badges, reason)];
}
