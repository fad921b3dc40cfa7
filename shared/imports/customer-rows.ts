import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { importKeys, keys } from '#shared/core/keys';
import { newId } from '#shared/core/ids';
import { AppError } from '#shared/core/errors';
import { fromItem, type Item } from '#shared/core/query';
import type { Session } from '#shared/core/session';
import { putIfAbsent, transactRetrying } from '#shared/core/write';
import { careHookKeys } from '#shared/care/customer-hook';
import { customerCreateItems } from '#shared/customers/create-items';
import { assertCanAssign, newCustomer, type Owner } from '#shared/customers/rules';
import type { Customer } from '#shared/customers/schemas';
import { candidatesIn, duplicateLookup, flagPair, lookupWrites, MAX_FLAGGED, nameCandidates, sideOf } from '#shared/data-quality/duplicates';
import type { Candidate, MatchKey } from '#shared/data-quality/normalise';
import { parseCustomerRow } from './rows.ts';
import type { Row, RowError } from './csv.ts';
import type { ChunkOutcome } from './store.ts';
import { loadAll, pool, rowFailure } from './worker-util.ts';

interface Planned {
  line: number;
  naturalKey: string;
  customer: Customer;
  matchKeys: MatchKey[];
  candidates: Candidate[];
}

/**
 * One chunk of customer rows: validated like POST /customers, written with the same create items, plus the row's
 * natural-key claim (attribute_not_exists: the same file again is "existing") and its duplicate lookups. A row that
 * matches an existing customer, or an earlier row of the chunk, is created and flagged, never refused.
 */
export async function importCustomerChunk(ctx: { db: Db; clock: Clock; session: Session }, rows: Row[]): Promise<ChunkOutcome> {
  const { db, clock, session } = ctx;
  const errors: RowError[] = [];
  const valid = rows.map(parseCustomerRow).flatMap((r) => (r.ok ? [r] : (errors.push(...r.errors), [])));
  const lookups = valid.map((r) => duplicateLookup(r.input));
  const ownerIds = [...new Set(valid.map((r) => r.input.ownerId ?? session.identity.userId))];
  const markers = valid.map((r) => importKeys.naturalKey('customer', r.naturalKey));
  const { principal, items } = await loadAll(session, [...careHookKeys(), ...ownerIds.map(keys.user), ...markers, ...lookups.flatMap((l) => l.keys)]);
  const found = new Map(items.filter(Boolean).map((item) => [`${item!.PK}|${item!.SK}`, item!]));
  const get = (key: { PK: string; SK: string }) => found.get(`${key.PK}|${key.SK}`);

  let existing = 0;
  const seen = new Set<string>();
  const planned: Planned[] = [];
  const now = clock.now().toISOString();
  valid.forEach((row, i) => {
    // Imported before (the marker), or the same content twice in this chunk (a row without an external id; a repeated
    // external id was refused at upload): one customer.
    if (get(markers[i]!) || seen.has(row.naturalKey)) return void existing++;
    seen.add(row.naturalKey);
    try {
      const ownerId = row.input.ownerId ?? principal.userId;
      const owner = assertCanAssign(principal, fromOwner(get(keys.user(ownerId))), ownerId);
      const customer = newCustomer(row.input, owner, newId(), now);
      const stored = candidatesIn(lookups[i]!.matchKeys, lookups[i]!.keys.map(get));
      planned.push({ line: row.line, naturalKey: row.naturalKey, customer, matchKeys: lookups[i]!.matchKeys, candidates: stored });
    } catch (error) {
      errors.push(...rowFailure(row.line, error, 'ownerId'));
    }
  });
  addInChunkMatches(planned);
  const names = await candidateNames(session, planned);

  let created = 0;
  let flagged = 0;
  await pool(planned, 6, async (plan) => {
    const candidates = nameCandidates(plan.candidates, plan.candidates.map((c) => names.get(c.customerId)), () => true).slice(0, MAX_FLAGGED);
    const { customer, items: create } = customerCreateItems(db, principal.userId, plan.customer, items);
    const marker = putIfAbsent(db, { ...importKeys.naturalKey('customer', plan.naturalKey), type: 'import_row', customerId: customer.id, at: now });
    const flags = candidates.flatMap((c) => flagPair(db, customer, c, { userId: principal.userId, source: 'import', at: now }));
    const writes = [marker, ...create, ...lookupWrites(db, customer.id, plan.matchKeys), ...flags];
    let claimed = true;
    try {
      await transactRetrying(db, writes, (index) => ((claimed = index !== 0), new AppError(409, 'already_exists', 'Already imported')), 8);
      created++;
      if (flags.length > 0) flagged++;
    } catch (error) {
      if (!claimed) existing++;
      else errors.push(...rowFailure(plan.line, error));
    }
  });
  return { created, existing, flagged, errors };
}

const fromOwner = (item: Item | undefined) => (item ? fromItem<Owner>(item) : undefined);

/** Rows of the same chunk are written side by side, so they cannot see each other's lookups: match them here. */
function addInChunkMatches(planned: Planned[]) {
  const earlier = new Map<string, string[]>();
  for (const plan of planned) {
    for (const m of plan.matchKeys) {
      for (const id of earlier.get(m.key) ?? []) {
        const known = plan.candidates.find((c) => c.customerId === id);
        if (known) known.matchedFields = [...new Set([...known.matchedFields, m.field])];
        else plan.candidates.push({ customerId: id, matchedFields: [m.field] });
      }
      earlier.set(m.key, [...(earlier.get(m.key) ?? []), plan.customer.id]);
    }
  }
}

/** Names of every candidate: the chunk's own from memory, stored ones in one BatchGet per 100. */
async function candidateNames(session: Session, planned: Planned[]): Promise<Map<string, Item | undefined>> {
  const names = new Map<string, Item | undefined>(planned.map((p) => [p.customer.id, { ...sideOf(p.customer), name: p.customer.name, status: 'active' }]));
  const stored = [...new Set(planned.flatMap((p) => p.candidates.map((c) => c.customerId)).filter((id) => !names.has(id)))];
  if (stored.length > 0) {
    const { items } = await loadAll(session, stored.map((id) => keys.customer(id)));
    stored.forEach((id, i) => names.set(id, items[i]));
  }
  return names;
}
