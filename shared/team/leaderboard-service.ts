import type { Db } from '#shared/core/db';
import { keys, motivationKeys, targetKeys, type Key } from '#shared/core/keys';
import { fromItem } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { parsePeriod, parseScope, type DashboardScope, type TargetLookup } from '#shared/goals/dashboard';
import { authorizeBoard, figureOf, rank, repsOf, type LeaderboardQuery } from './leaderboard.ts';
import { loadAll, ungroup } from './load.ts';
import type { Person } from './badges.ts';
import { membersOf } from '#shared/org/members';


/**
 * GET /leaderboard. Round trips: for a team, region or the company, 2 —
 * 1. one Query of the scope's members (GSI2 TEAM#t / GSI3 REGION#r / GSI4 USERS; a further page only past 1 MB of users);
 * 2. one BatchGet with the principal of: the company's top-reps items for the period's months (won_amount, attainment),
 *    each member's target lookup for the period (attainment), the NPS-per-owner items of those months (nps) — one
 *    more BatchGet, sent in parallel, per further 100 keys (attainment past ~85 reps).
 * For `me` (the caller's own figure): the BatchGet alone, 1 round trip.
 * Nothing is returned before the principal is authorized for the scope.
 */
export function createLeaderboardService({ db }: { db: Db }) {
  const members = (scope: Exclude<DashboardScope, { kind: 'me' }>) => membersOf(db, scope.kind === 'company' ? { kind: 'all' } : scope);


  return {
    async leaderboard(session: Session, query: LeaderboardQuery) {
      const period = parsePeriod(query.period);
      const scope = parseScope(query.scope, session.identity.userId);
      const listed = scope.kind === 'me' ? [] : await members(scope);
      const team = scope.kind === 'team' ? listed.find((item) => item.type === 'team') : undefined;
      const reps: Person[] = scope.kind === 'me' ? [] : repsOf(listed);
      const ids = scope.kind === 'me' ? [session.identity.userId] : reps.map((r) => r.id);
      const groups: Record<'region' | 'topReps' | 'targets' | 'stats', Key[]> = {
        region: scope.kind === 'region' ? [keys.region(scope.id)] : [],
        topReps: query.metric === 'nps' ? [] : period.months.map((m) => keys.topReps('ALL', m)),
        targets: query.metric === 'attainment' ? ids.map((id) => targetKeys.lookup(period.fiscalYear, `REP#${id}`, period.lookup)) : [],
        stats: query.metric === 'nps' ? period.months.map((m) => motivationKeys.repStats(m)) : [],
      };
      const { principal, items } = await loadAll(session, db, Object.values(groups).flat());
      const got = ungroup(groups, items);
      authorizeBoard(principal, scope, { team, region: got.region[0] });

      const people = scope.kind === 'me' ? [{ id: principal.userId, name: principal.name, teamId: principal.teamId ?? null }] : reps;
      const figures = {
        topReps: got.topReps,
        stats: got.stats,
        targets: new Map(ids.map((id, i) => [id, got.targets[i] && fromItem<TargetLookup>(got.targets[i]!)] as const)),
      };
      const entries = rank(people.map((p) => ({ userId: p.id, name: p.name, teamId: p.teamId ?? null, ...figureOf(query.metric, p.id, figures, query.currency) })));
      return {
        period: { id: period.id, from: period.months[0]!, to: period.months.at(-1)! },
        metric: query.metric,
        scope: scope.kind === 'company' ? { kind: scope.kind } : { kind: scope.kind, id: scope.id },
        entries,
        me: entries.find((e) => e.userId === principal.userId) ?? null,
      };
    },
  };
}
