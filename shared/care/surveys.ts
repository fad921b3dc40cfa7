import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { conflict } from '#shared/core/errors';
import { newId } from '#shared/core/ids';
import { withIdempotency } from '#shared/core/idempotency';
import { careKeys, keys } from '#shared/core/keys';
import { canSee } from '#shared/core/principal';
import { fromItem } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { putIfAbsent, type TransactItem } from '#shared/core/write';
import { customerScope } from '#shared/customers/rules';
import type { Customer } from '#shared/customers/schemas';
import { assertActive, visibleCustomer } from './access.ts';
import { carePolicyStore } from './policy.ts';
import { assertCanWriteCare, emptyCare, npsCategory, npsScope, npsScopeKey, npsSummary, type NpsCounts } from './rules.ts';
import type { CreateSurvey, Survey } from './schemas.ts';
import { counterAdd, countsOf, updateCustomerCare, writeOnCustomer } from './store.ts';
import { withCareDerived } from './entries.ts';
import { repStatsAdd } from '#shared/team/rep-stats';

/** The counter scopes a response counts in: the customer, its owner, team and region, and everyone. */
const scopesOf = (c: Customer) => [`CUSTOMER#${c.id}`, `OWNER#${c.ownerId}`, ...(c.teamId ? [`TEAM#${c.teamId}`] : []), `REGION#${c.regionId}`, 'ALL'];

/** Surveys (NPS 0–10, CSAT 1–5) and the NPS report, which reads one counter item whatever the number of responses. */
export function createSurveyService({ db, clock }: { db: Db; clock: Clock }) {
  return {
    /**
     * principal + customer + care policy in one BatchGet, then one transaction: the survey, the customer's
     * `care.lastNps*` (NPS only) and one counter per scope (≤ 8 items).
     */
    async create(session: Session, customerId: string, input: CreateSurvey, idempotencyKey?: string) {
      const { principal, items } = await session.load([keys.customer(customerId), carePolicyStore.key()]);
      const customer = visibleCustomer(principal, items[0], customerId);
      assertCanWriteCare(principal);
      assertActive(customer);
      const { policy } = carePolicyStore.fromItem(items[1]);
      const idempotency = idempotencyKey ? { principalId: principal.userId, key: idempotencyKey, request: { route: 'POST /customers/{id}/surveys', customerId, input } } : undefined;
      return withIdempotency(db, idempotency, clock.now(), (record) => {
        const now = clock.now().toISOString();
        const category = input.type === 'nps' ? npsCategory(input.score) : undefined;
        const survey: Survey = { id: newId(), customerId, ...input, ...(category ? { category } : {}), createdBy: principal.userId, createdAt: now };
        const add: Partial<NpsCounts> = category ? { [`${category}s`]: 1 } : { csatResponses: 1, csatTotal: input.score };
        return writeOnCustomer(
          db,
          customer,
          (current) => {
            assertActive(current);
            const response = { status: 201, body: survey };
            const counters = scopesOf(current).map((scope) => counterAdd(db, scope, add));
            // `type` is every item's entity type, so the survey's own type is stored as `surveyType`.
            const { type: surveyType, ...fields } = survey;
            const surveyPut = putIfAbsent(db, { ...careKeys.survey(customerId, survey.id), type: 'survey', ...fields, surveyType });
            if (input.type !== 'nps') {
              // CSAT changes no care signal: only a guard that the customer is still active and in the same place.
              const guard: TransactItem = {
                ConditionCheck: { TableName: db.tableName, Key: keys.customer(customerId), ConditionExpression: '#version = :v', ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':v': current.version } },
              };
              return { items: [guard, surveyPut, ...counters, ...record(response)], customerIndex: 0, result: response };
            }
            // The owner's answers per month, for the leaderboard's and the review's NPS per rep (shared/team).
            const byOwner = repStatsAdd(db, now.slice(0, 7), current.ownerId, { [`${category}s`]: 1 });
            const care = { ...emptyCare(), ...current.care, lastNps: input.score, lastNpsAt: now, lastNpsComment: input.comment };
            const after = withCareDerived({ ...current, care, version: current.version + 1, updatedAt: now }, policy);
            return { items: [updateCustomerCare(db, current, after), surveyPut, ...counters, byOwner, ...record(response)], customerIndex: 0, result: response };
          },
          () => conflict('already_exists', 'This survey was already recorded'),
        );
      });
    },

    /** principal + the team / region / customer asked for in one BatchGet, then the scope's counter item. */
    async report(session: Session, query: { teamId?: string; regionId?: string; customerId?: string }) {
      const asked = query.teamId ? keys.team(query.teamId) : query.regionId ? keys.region(query.regionId) : query.customerId ? keys.customer(query.customerId) : undefined;
      const { principal, items } = await session.load(asked ? [asked] : []);
      const found = items[0] && fromItem<Record<string, unknown>>(items[0]);
      const scope = npsScope(principal, query, {
        team: query.teamId && found ? { id: String(found.id), regionId: String(found.regionId) } : undefined,
        region: query.regionId && found ? { id: String(found.id) } : undefined,
        customerVisible: !!(query.customerId && found && canSee(principal, customerScope(found as unknown as Customer))),
      });
      const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: careKeys.npsCounter(npsScopeKey(scope)) }));
      return { scope, ...npsSummary(countsOf(out.Item)) };
    },
  };
}
