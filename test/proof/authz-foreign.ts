import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { newId } from '#shared/core/ids';
import { customerItem } from '#shared/customers/create-items';
import type { Customer } from '#shared/customers/schemas';
import { dealItem } from '#shared/process/store';
import type { Deal } from '#shared/process/schemas';
import type { Api } from './authz-fixtures.ts';

/** Names every foreign record carries, so a list that leaks one is caught by its name as well as by its owner. */
export const FOREIGN_MARK = 'Foreign Buyer';
export const FOREIGN_OWNERS = ['rep-south-enterprise-1', 'rep-south-enterprise-2', 'rep-south-enterprise-3', 'rep-south-commercial-1', 'rep-south-commercial-2', 'rep-south-commercial-3'];
const teamOf = (owner: string) => owner.replace(/^rep-/, '').replace(/-\d+$/, '');

/**
 * Customers and deals owned by south-region reps, written as the create path writes the record and its index keys
 * (BatchWrite, 25 at a time): the lists read exactly these index entries, so 1,000 of them cost seconds, not
 * 1,000 API calls.
 */
export async function seedForeign(api: Api, customers: number, deals: number): Promise<{ customers: number; deals: number }> {
  const at = new Date().toISOString();
  const items: Record<string, unknown>[] = [];
  const ids: Customer[] = [];
  for (let i = 0; i < customers; i += 1) {
    const ownerId = FOREIGN_OWNERS[i % FOREIGN_OWNERS.length]!;
    const customer: Customer = { id: newId(), name: `${FOREIGN_MARK} ${i}`, regionId: 'south', teamId: teamOf(ownerId), ownerId, contacts: [], tier: (['A', 'B', 'C', 'D'] as const)[i % 4]!, tags: [], status: 'active', version: 1, createdAt: at, updatedAt: at };
    ids.push(customer);
    items.push(customerItem(customer));
  }
  for (let i = 0; i < deals; i += 1) {
    const c = ids[i % ids.length]!;
    const deal: Deal = {
      id: newId(), customerId: c.id, customerTier: c.tier, title: `${FOREIGN_MARK} deal ${i}`, amount: 100_000, currency: 'CNY', productLineId: 'crm-suite', discountPct: 0, paymentTermsDays: 30,
      stage: 'lead', probability: 10, forecastCategory: 'pipeline', status: 'open', stageEntry: { at, ownerId: c.ownerId, teamId: c.teamId, regionId: 'south' },
      ownerId: c.ownerId, teamId: c.teamId, regionId: 'south', createdBy: c.ownerId, version: 1, createdAt: at, updatedAt: at,
    };
    items.push(dealItem(deal));
  }
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < batches.length) {
        let requests: unknown[] = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
        while (requests.length > 0) {
          const out = await api.db.doc.send(new BatchWriteCommand({ RequestItems: { [api.db.tableName]: requests as never } }));
          requests = out.UnprocessedItems?.[api.db.tableName] ?? [];
        }
      }
    }),
  );
  return { customers, deals };
}
