import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { entityAuditor } from '#shared/core/audit';
import { conflict, isConditionFailure } from '#shared/core/errors';
import { newId } from '#shared/core/ids';
import { withIdempotency } from '#shared/core/idempotency';
import { keys, motivationKeys, targetKeys, type Key } from '#shared/core/keys';
import { fromItem, queryTable } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { putIfAbsent, transact, type TransactItem } from '#shared/core/write';
import { parsePeriod, type TargetLookup } from '#shared/goals/dashboard';
import { notificationId } from '#shared/notifications/service';
import { assertCanManage, assertCanRead, type Person } from './badges.ts';
import { currentValue, progressOf, type CreateIncentive, type Incentive } from './incentives.ts';
import { loadAll } from './load.ts';

const incentiveItem = (i: Incentive) => ({ ...motivationKeys.incentive(i.userId, i.id), type: 'incentive', ...i });

function notice(db: Db, userId: string, at: string, event: string, title: string, body: string): TransactItem {
  const id = notificationId(at, event, userId);
  return putIfAbsent(db, { ...keys.notification(userId, id), type: 'notification', id, userId, kind: 'incentive', title, body, createdAt: at, readAt: null });
}

const goalText = (i: Incentive) => `${i.metric} ≥ ${i.goal}${i.metric === 'won_amount' ? ` ${i.currency ?? 'CNY'}` : ''} in ${i.period}`;

export function createIncentiveService({ db, clock }: { db: Db; clock: Clock }) {
  const audit = entityAuditor<Incentive & { updatedAt: string }>(db, 'incentive', (i) => ({ ownerId: i.userId, teamId: i.teamId, regionId: i.regionId }));

  /**
   * The first read that sees the goal reached stamps achievedAt (only if still unset) and notifies the person and
   * whoever set the incentive, in one transaction; a concurrent reader that stamped first wins and its time is kept.
   */
  async function markAchieved(incentive: Incentive, at: string): Promise<string> {
    const key = motivationKeys.incentive(incentive.userId, incentive.id);
    const title = `Incentive reached: ${goalText(incentive)}`;
    try {
      await transact(
        db,
        [
          {
            Update: {
              TableName: db.tableName,
              Key: key,
              UpdateExpression: 'SET achievedAt = :at',
              ConditionExpression: 'attribute_exists(PK) AND attribute_type(achievedAt, :null)',
              ExpressionAttributeValues: { ':at': at, ':null': 'NULL' },
            },
          },
          ...[...new Set([incentive.userId, incentive.createdBy])].map((userId) => notice(db, userId, at, `incentive/${incentive.id}/achieved`, title, `Reward: ${incentive.reward}`)),
        ],
        () => conflict('already_achieved', 'Marked achieved at the same moment'),
      );
      return at;
    } catch (error) {
      if (!isConditionFailure((error as { cause?: unknown }).cause)) throw error;
      const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: key, ConsistentRead: true }));
      return String(out.Item?.achievedAt ?? at);
    }
  }

  return {
    /** The person is read with the principal (1 round trip), then one transaction: incentive, notification, audit. */
    async create(session: Session, input: CreateIncentive, idempotencyKey?: string) {
      const { principal, items } = await session.load([keys.user(input.userId)]);
      const person = assertCanManage(principal, items[0] && fromItem<Person>(items[0]), input.userId, 'set incentives for');
      const idempotency = idempotencyKey ? { principalId: principal.userId, key: idempotencyKey, request: { route: 'POST /incentives', input } } : undefined;
      return withIdempotency(db, idempotency, clock.now(), async (record) => {
        const now = clock.now().toISOString();
        const incentive: Incentive = {
          id: newId(),
          ...input,
          ...(input.metric === 'won_amount' ? { currency: input.currency ?? 'CNY' } : {}),
          createdBy: principal.userId,
          createdAt: now,
          teamId: person.teamId ?? null,
          regionId: person.regionId ?? null,
          achievedAt: null,
        };
        const response = { status: 201, body: incentive };
        await transact(
          db,
          [
            putIfAbsent(db, incentiveItem(incentive)),
            notice(db, person.id, now, `incentive/${incentive.id}`, `New incentive: ${goalText(incentive)}`, `Reward: ${incentive.reward}`),
            audit(principal, 'create', undefined, { ...incentive, updatedAt: now }),
            ...record(response),
          ],
          () => conflict('already_exists', 'This incentive was already recorded'),
        );
        return response;
      });
    },

    /**
     * A person's incentives, newest first, each with its progress. Round trips: one Query of the person's incentives,
     * then one BatchGet with the principal and the person of every month's actuals (ACTUALS#REP#<id>), per-owner
     * counters and target lookups the page needs (one more BatchGet in parallel per further 100 keys); plus one
     * transaction per incentive seen reached for the first time.
     */
    async list(session: Session, query: { userId?: string; limit: number; cursor?: string }) {
      const userId = query.userId ?? session.identity.userId;
      const page = await queryTable<Incentive>(db, { partition: motivationKeys.incentivePartition(userId), sortPrefix: motivationKeys.incentivePrefix, descending: true, limit: query.limit, cursor: query.cursor });
      const periods = page.items.map((i) => parsePeriod(i.period));
      const months = [...new Set(periods.flatMap((p) => p.months))].sort();
      const lookups = [...new Map(page.items.flatMap((i, n) => (i.metric === 'attainment' ? [periods[n]!] : [])).map((p) => [`${p.fiscalYear}|${p.lookup}`, p])).values()];
      const wanted: Key[] = [
        keys.user(userId),
        ...months.map((m) => keys.actuals(`REP#${userId}`, m)),
        ...months.map((m) => motivationKeys.repStats(m)),
        ...lookups.map((p) => targetKeys.lookup(p.fiscalYear, `REP#${userId}`, p.lookup)),
      ];
      const { principal, items } = await loadAll(session, db, wanted);
      assertCanRead(principal, items[0] && fromItem<Person>(items[0]), userId);

      const at = (offset: number, month: string) => items[offset + months.indexOf(month)];
      const targets = new Map(lookups.map((p, n) => [`${p.fiscalYear}|${p.lookup}`, items[1 + 2 * months.length + n]] as const));
      const now = clock.now().toISOString();
      const listed = await Promise.all(
        page.items.map(async (incentive, n) => {
          const period = periods[n]!;
          const target = targets.get(`${period.fiscalYear}|${period.lookup}`);
          const figures = {
            months: period.months,
            actuals: period.months.map((m) => at(1, m)),
            stats: period.months.map((m) => at(1 + months.length, m)),
            target: target && fromItem<TargetLookup>(target),
          };
          const progress = progressOf(incentive, currentValue(incentive, figures), now);
          if (progress.achieved && incentive.achievedAt === null) progress.achievedAt = await markAchieved(incentive, now);
          return { ...incentive, achievedAt: progress.achievedAt, progress };
        }),
      );
      return { items: listed, nextCursor: page.nextCursor };
    },
  };
}
