import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { entityAuditor } from '#shared/core/audit';
import { conflict, notFound } from '#shared/core/errors';
import { newId } from '#shared/core/ids';
import { withIdempotency } from '#shared/core/idempotency';
import { partnerKeys } from '#shared/core/keys';
import type { Page } from '#shared/core/pagination';
import { fromItem, queryIndex } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { putIfAbsent, transact } from '#shared/core/write';
import { assertCanCreatePartner, screen } from './rules.ts';
import type { CreatePartner, Partner, ScreeningResult } from './schemas.ts';

/** `type` is every item's entity type, so the partner's own type is stored as `partnerType`. */
const partnerItem = ({ type, ...p }: Partner) => ({ ...partnerKeys.partner(p.id), ...partnerKeys.partnerIndexes({ id: p.id, result: p.screening.result }), type: 'partner', ...p, partnerType: type });
const toPartner = (item: Record<string, unknown>): Partner => {
  const { partnerType, ...rest } = fromItem<Omit<Partner, 'type'> & { partnerType: Partner['type'] }>(item);
  return { ...rest, type: partnerType };
};

/** Partners: screened on creation (the result and the rule that decided are stored), read by everyone. */
export function createPartnerService({ db, clock }: { db: Db; clock: Clock }) {
  // Partners are organisation-wide reference data: no owner, team or region.
  const audit = entityAuditor<Partner>(db, 'partner', () => ({}));

  return {
    /** principal (one BatchGet), then one transaction: the partner, its audit entry (and the Idempotency-Key record). */
    async create(session: Session, input: CreatePartner, idempotencyKey?: string) {
      const { principal } = await session.load();
      assertCanCreatePartner(principal);
      const idempotency = idempotencyKey ? { principalId: principal.userId, key: idempotencyKey, request: { route: 'POST /partners', input } } : undefined;
      return withIdempotency(db, idempotency, clock.now(), async (record) => {
        const now = clock.now().toISOString();
        const partner: Partner = { id: newId(), ...input, screening: screen(input.criteria), createdBy: principal.userId, createdAt: now, updatedAt: now, version: 1 };
        const response = { status: 201, body: partner };
        await transact(db, [putIfAbsent(db, partnerItem(partner)), audit(principal, 'create', undefined, partner), ...record(response)], () =>
          conflict('already_exists', 'A partner with this id already exists'),
        );
        return response;
      });
    },

    async get(session: Session, id: string): Promise<Partner> {
      const { items } = await session.load([partnerKeys.partner(id)]);
      if (!items[0]) throw notFound(`Partner ${id}`);
      return toPartner(items[0]);
    },

    /** Newest first, all or one screening result: one Query on GSI4 `PARTNERS` or GSI3 `PARTNERS#<result>`. */
    async list(session: Session, query: { result?: ScreeningResult; limit: number; cursor?: string }): Promise<Page<Partner>> {
      await session.load();
      const index = query.result ? 'GSI3' : 'GSI4';
      const page = await queryIndex<Record<string, unknown>>(db, { index, partition: partnerKeys.partnersPartition(query.result), limit: query.limit, cursor: query.cursor, descending: true });
      return { items: page.items.map(toPartner), nextCursor: page.nextCursor };
    },
  };
}
