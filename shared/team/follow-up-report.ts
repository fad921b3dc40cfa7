import { z } from 'zod';
import type { Db } from '#shared/core/db';
import { motivationKeys } from '#shared/core/keys';
import { dataScope, type DataScope } from '#shared/core/principal';
import type { Session } from '#shared/core/session';
import { PERIOD, parsePeriod } from '#shared/goals/dashboard';
import { repCounts } from './rep-stats.ts';
import { membersOf } from '#shared/org/members';

/**
 * GET /reports/follow-up-compliance: per team, the follow-ups its reps met in the period and how many of those
 * were on time, from the per-rep monthly REP_STATS counters (written in the interaction's own transaction).
 * Two round trips: (1) the principal with the period's REP_STATS month items (one BatchGet); (2) one Query of the
 * caller's scope members (GSI2 team / GSI3 region / GSI4 everyone). A rep's scope is themself: one row, their own.
 * Team membership is the rep's current team.
 */

export const followUpQuery = z.strictObject({ period: z.string().regex(PERIOD, 'YYYY, YYYY-Qn or YYYY-MM') });
export type FollowUpQuery = z.infer<typeof followUpQuery>;

export const followUpView = z.object({
  period: z.object({ id: z.string(), from: z.string(), to: z.string() }),
  scope: z.object({ kind: z.enum(['all', 'region', 'team', 'own']), id: z.string().optional() }),
  teams: z.array(
    z.object({
      teamId: z.string(),
      reps: z.number().int().describe('Reps counted (current members with the rep role)'),
      met: z.number().int().describe('Follow-ups met: a call or visit logged while one was due'),
      onTime: z.number().int().describe('Of those, met by their due time'),
      compliance: z.number().nullable().describe('onTime ÷ met; null when none were met'),
    }),
  ),
});

interface Member {
  id: string;
  teamId?: string;
  roles?: string[];
}

async function members(db: Db, scope: Exclude<DataScope, { kind: 'own' }>): Promise<Member[]> {
  const items = await membersOf(db, scope.kind === 'team' ? { kind: 'team', id: scope.teamId } : scope.kind === 'region' ? { kind: 'region', id: scope.regionId } : { kind: 'all' });
  return items.filter((item) => item.type === 'user') as unknown as Member[];
}

export function createFollowUpReport({ db }: { db: Db }) {
  return {
    async compliance(session: Session, query: FollowUpQuery) {
      const period = parsePeriod(query.period);
      const { principal, items: months } = await session.load(period.months.map((month) => motivationKeys.repStats(month)));
      const scope = dataScope(principal);
      const reps: Member[] =
        scope.kind === 'own'
          ? [{ id: principal.userId, teamId: principal.teamId, roles: ['rep'] }]
          : (await members(db, scope)).filter((m) => m.teamId && (m.roles ?? []).includes('rep'));
      const byTeam = new Map<string, { teamId: string; reps: number; met: number; onTime: number }>();
      for (const rep of reps) {
        const teamId = rep.teamId ?? 'none';
        const counts = repCounts(months, rep.id);
        const row = byTeam.get(teamId) ?? { teamId, reps: 0, met: 0, onTime: 0 };
        row.reps += 1;
        row.met += counts.followUpsMet;
        row.onTime += counts.followUpsOnTime;
        byTeam.set(teamId, row);
      }
      const teams = [...byTeam.values()].sort((a, b) => a.teamId.localeCompare(b.teamId)).map((row) => ({ ...row, compliance: row.met ? row.onTime / row.met : null }));
      const scopeView = scope.kind === 'all' ? { kind: 'all' as const } : scope.kind === 'region' ? { kind: 'region' as const, id: scope.regionId } : scope.kind === 'team' ? { kind: 'team' as const, id: scope.teamId } : { kind: 'own' as const, id: scope.userId };
      return { period: { id: period.id, from: period.months[0]!, to: period.months.at(-1)! }, scope: scopeView, teams };
    },
  };
}
