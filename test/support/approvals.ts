import { expect } from 'vitest';
import type { testApi } from './api.ts';

type Api = Awaited<ReturnType<typeof testApi>>;

/** Polls until `check` returns a value (the workflow runs asynchronously after a 202). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function approvalHelpers(api: Api) {
  async function firstCustomerWithTier(owner: string, tier: string) {
    const res = await api.call('GET', `/customers?limit=100&tier=${tier}`, { as: owner });
    expect(res.status).toBe(200);
    return res.body.items[0].id as string;
  }

  async function createDeal(owner: string, terms: { amount: number; discountPct?: number; paymentTermsDays?: number; tier?: string; title?: string }) {
    const customerId = await firstCustomerWithTier(owner, terms.tier ?? 'C');
    const res = await api.call('POST', '/deals', {
      as: owner,
      body: {
        customerId,
        title: terms.title ?? `Deal ${Math.random().toString(36).slice(2, 8)}`,
        amount: terms.amount,
        productLineId: 'crm-suite',
        expectedCloseDate: '2026-12-31',
        discountPct: terms.discountPct ?? 0,
        paymentTermsDays: terms.paymentTermsDays ?? 30,
      },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; version: number };
  }

  async function usePolicy(steps: unknown[]) {
    const current = await api.call('GET', '/approval-policy', { as: 'admin' });
    const res = await api.call('PUT', '/approval-policy', { as: 'admin', body: { steps }, headers: { 'if-match': current.headers.get('etag')! } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
  }

  async function request(as: string, dealId: string, reason = 'Strategic account') {
    const res = await api.call('POST', `/deals/${dealId}/approvals`, { as, body: { reason } });
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    return res.body as { id: string };
  }

  /** Waits until `userId` has the approval in their inbox (the workflow opened the step). */
  async function inInbox(userId: string, approvalId: string) {
    return eventually(async () => {
      const res = await api.call('GET', '/approvals?inbox=mine&limit=100', { as: userId });
      return (res.body.items as any[]).find((e) => e.approvalId === approvalId);
    }, `${approvalId} in ${userId}'s inbox`);
  }

  async function status(approvalId: string, as: string, wanted: string) {
    return eventually(async () => {
      const res = await api.call('GET', `/approvals/${approvalId}`, { as });
      return res.body.status === wanted ? res.body : undefined;
    }, `${approvalId} ${wanted}`);
  }

  const decide = (as: string, approvalId: string, decision: 'approve' | 'reject', comment?: string) =>
    api.call('POST', `/approvals/${approvalId}/decisions`, { as, body: { decision, ...(comment ? { comment } : {}) } });

  return { createDeal, usePolicy, request, inInbox, status, decide };
}

/** A policy step for tests: a short SLA makes escalation and expiry observable in seconds. */
export const step = (id: string, approvers: unknown, extra: Record<string, unknown> = {}) => ({
  id,
  name: id,
  when: [{ field: 'amount', op: 'gte', value: 0 }],
  approvers,
  mode: 'any',
  slaSeconds: 3600,
  maxEscalations: 1,
  ...extra,
});
