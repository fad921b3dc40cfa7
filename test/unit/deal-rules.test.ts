import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_POLICY } from '#shared/approvals/policy';
import type { Principal } from '#shared/core/principal';
import { DEFAULT_PIPELINE } from '#shared/process/pipeline';
import { applyDealPatch, applyMove, assertApproved, assertForecastChange, assertUnlocked, newDeal, newOrder } from '#shared/process/rules';
import { updateDeal } from '#shared/process/store';
import { transactRetrying } from '#shared/core/write';
import type { CreateDeal, Deal } from '#shared/process/schemas';

const NOW = '2026-03-10T08:00:00.000Z';
const input: CreateDeal = { customerId: 'c1', title: 'Big one', amount: 30_000_000, currency: 'CNY', productLineId: 'crm', discountPct: 0, paymentTermsDays: 30 };
const owner = { id: 'rep1', teamId: 't1', regionId: 'east' };
const deal = (): Deal => newDeal(input, { id: 'd1', owner, customer: { id: 'c1', tier: 'C', regionId: 'east' }, createdBy: 'rep1', pipeline: DEFAULT_PIPELINE, now: NOW });
const rep: Principal = { userId: 'rep1', name: 'R', roles: ['rep'], teamId: 't1', regionId: 'east' };

describe('deal rules', () => {
  it('opens a deal in the first stage, placed with its owner, the customer tier copied', () => {
    expect(deal()).toMatchObject({
      id: 'd1',
      stage: 'lead',
      probability: 10,
      status: 'open',
      forecastCategory: 'pipeline',
      ownerId: 'rep1',
      teamId: 't1',
      regionId: 'east',
      customerTier: 'C',
      stageEntry: { at: NOW, teamId: 't1', regionId: 'east' },
      version: 1,
    });
    const forAdmin = newDeal(input, { id: 'd2', owner: { id: 'admin' }, customer: { id: 'c1', tier: 'B', regionId: 'south' }, createdBy: 'admin', pipeline: DEFAULT_PIPELINE, now: NOW });
    expect(forAdmin).toMatchObject({ teamId: undefined, regionId: 'south' });
  });

  it('a reassignment moves team and region with the owner', () => {
    const moved = applyDealPatch(deal(), { ownerId: 'rep9', title: 'Renamed' }, { id: 'rep9', teamId: 't9', regionId: 'south' }, NOW);
    expect(moved).toMatchObject({ ownerId: 'rep9', teamId: 't9', regionId: 'south', title: 'Renamed', version: 2 });
  });

  it('a locked deal names its approval; the forecast category is for the owner or a manager', () => {
    expect(() => assertUnlocked({ id: 'd1', lockedByApprovalId: 'a-7' })).toThrow(expect.objectContaining({ status: 409, code: 'deal_locked', message: expect.stringContaining('a-7') }));
    expect(() => assertForecastChange({ ...rep, userId: 'someone' }, deal(), { forecastCategory: 'commit' })).toThrow(expect.objectContaining({ status: 403 }));
    expect(() => assertForecastChange(rep, deal(), { forecastCategory: 'commit' })).not.toThrow();
    expect(() => assertForecastChange({ ...rep, userId: 'm', roles: ['manager'] }, deal(), { forecastCategory: 'commit' })).not.toThrow();
  });

  it('needs an APPROVED approval covering the current terms when the policy names steps', () => {
    const big = deal();
    expect(() => assertApproved(DEFAULT_POLICY, big, 'won')).toThrow(expect.objectContaining({ code: 'approval_required', message: expect.stringMatching(/Sales manager.*Region director/) }));
    const terms = { amount: 30_000_000, discountPct: 0, paymentTermsDays: 30 };
    expect(assertApproved(DEFAULT_POLICY, { ...big, approval: { approvalId: 'a1', status: 'APPROVED', terms } }, 'won')).toBe(true);
    expect(() => assertApproved(DEFAULT_POLICY, { ...big, approval: { approvalId: 'a1', status: 'EXPIRED', terms } }, 'won')).toThrow(/EXPIRED/);
    expect(() => assertApproved(DEFAULT_POLICY, { ...big, discountPct: 5, approval: { approvalId: 'a1', status: 'APPROVED', terms } }, 'won')).toThrow(/no longer covers/);
    expect(assertApproved(DEFAULT_POLICY, { ...big, amount: 100_000 }, 'won')).toBe(false);
    expect(() => assertApproved(DEFAULT_POLICY, { ...big, amount: 100_000, customerTier: 'A' }, 'won')).toThrow(/customer tier in A/);
  });

  it('a move records from, to, who, the amount then and time in stage; won closes and lost omits the forecast', () => {
    const later = '2026-03-12T08:00:00.000Z';
    const { deal: won, move } = applyMove({ ...deal(), forecastCategory: 'commit' }, DEFAULT_PIPELINE, 'won', { moveId: 'm1', by: 'mgr', now: later, orderId: 'o1' });
    expect(move).toEqual({ id: 'm1', dealId: 'd1', from: 'lead', to: 'won', at: later, by: 'mgr', amount: 30_000_000, currency: 'CNY', secondsInStage: 2 * 86_400 });
    expect(won).toMatchObject({ stage: 'won', status: 'won', probability: 100, forecastCategory: 'closed', closedAt: later, orderId: 'o1', version: 2, stageEntry: { at: later } });
    const { deal: lost } = applyMove(deal(), DEFAULT_PIPELINE, 'lost', { moveId: 'm2', by: 'rep1', now: later, reason: 'price' });
    expect(lost).toMatchObject({ status: 'lost', forecastCategory: 'omitted', lostReason: 'price', probability: 0 });
    const { deal: forward } = applyMove({ ...deal(), forecastCategory: 'best_case' }, DEFAULT_PIPELINE, 'qualified', { moveId: 'm3', by: 'rep1', now: later });
    expect(forward).toMatchObject({ status: 'open', forecastCategory: 'best_case', probability: 20 });
    expect(forward.closedAt).toBeUndefined();
    expect(newOrder(won, 'o1', later)).toEqual({
      id: 'o1', customerId: 'c1', dealId: 'd1', amount: 30_000_000, currency: 'CNY', productLineId: 'crm', regionId: 'east', teamId: 't1', ownerId: 'rep1', date: '2026-03-12', source: 'deal', createdAt: later,
    });
  });
});

describe('deal writes', () => {
  const db = { doc: DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'local' })), tableName: 't' };

  it('update only what changed, never the approval attributes, conditional on the version and the absence of a lock', () => {
    const before = { ...deal(), lockedByApprovalId: undefined, approval: { approvalId: 'a', status: 'APPROVED' as const, terms: { amount: 1, discountPct: 0, paymentTermsDays: 0 } } };
    const after = { ...before, title: 'New', expectedCloseDate: undefined, approval: undefined, version: 2, updatedAt: '2026-03-11T00:00:00.000Z' };
    const withDate = { ...before, expectedCloseDate: '2026-05-01' };
    const { Update } = updateDeal(db, withDate, after);
    const named = (expression: string) => expression.replace(/#f\d+/g, (n) => Update.ExpressionAttributeNames[n]!);
    expect(named(Update.UpdateExpression)).toBe('SET title = :f0, version = :f1, updatedAt = :f2 REMOVE expectedCloseDate');
    expect(Update.ConditionExpression).toBe('#version = :readVersion AND attribute_not_exists(#lock)');
    expect(Update.ExpressionAttributeValues[':readVersion']).toBe(1);
    expect(Object.values(Update.ExpressionAttributeNames)).not.toContain('approval');
  });

  const mock = mockClient(DynamoDBDocumentClient);
  beforeEach(() => mock.reset());
  const cancelled = (...codes: string[]) => Object.assign(new Error('cancelled'), { name: 'TransactionCanceledException', CancellationReasons: codes.map((Code) => ({ Code })) });

  it('retry a transaction cancelled only by a concurrent transaction on a hot counter, never a failed condition', async () => {
    mock.on(TransactWriteCommand).rejectsOnce(cancelled('None', 'TransactionConflict')).resolves({});
    await transactRetrying(db, [{}, {}], () => new Error('condition'));
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(2);

    mock.reset();
    mock.on(TransactWriteCommand).rejects(cancelled('ConditionalCheckFailed', 'None'));
    await expect(transactRetrying(db, [{}, {}], (index) => new Error(`condition ${index}`))).rejects.toThrow('condition 0');
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(1);

    mock.reset();
    mock.on(TransactWriteCommand).rejects(cancelled('TransactionConflict'));
    await expect(transactRetrying(db, [{}], () => new Error('x'), 3)).rejects.toMatchObject({ code: 'write_conflict' });
    expect(mock.commandCalls(TransactWriteCommand)).toHaveLength(3);
  });
});
