import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startStackProcess, dynamoStillRunning, type RunningStack } from '#test/support/local-stack-process';

async function http(stack: RunningStack, method: string, path: string, as?: string, body?: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (as) {
    const t = await fetch(`${stack.url}/dev/token`, { method: 'POST', headers, body: JSON.stringify({ userId: as }) });
    headers.authorization = `Bearer ${(await t.json()).token}`;
  }
  const res = await fetch(stack.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  return { status: res.status, body: await res.json() };
}

async function until<T>(check: () => Promise<T | undefined>, what: string): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a pending approval survives a crash of the local stack', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pentad-durable-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('kill -9 while the manager has not answered; after restart the inbox still shows it and a decision completes it', async () => {
    const first = await startStackProcess({ PENTAD_DATA_DIR: dataDir });
    const rep = 'rep-east-commercial-1';
    const manager = 'manager-east-commercial';
    // A tier-C customer and 60,000.00: the default policy asks the manager only.
    const customers = await http(first, 'GET', '/customers?limit=1&tier=C', rep);
    const deal = await http(first, 'POST', '/deals', rep, {
      customerId: customers.body.items[0].id,
      title: 'Harbor expansion',
      amount: 6_000_000,
      productLineId: 'analytics',
      expectedCloseDate: '2026-12-20',
      discountPct: 5,
      paymentTermsDays: 30,
    });
    expect(deal.status).toBe(201);
    const approval = await http(first, 'POST', `/deals/${deal.body.id}/approvals`, rep, { reason: 'Above my limit' });
    expect(approval.status).toBe(202);
    await until(async () => {
      const inbox = await http(first, 'GET', '/approvals?inbox=mine', manager);
      return inbox.body.items.find((e: any) => e.approvalId === approval.body.id);
    }, 'the step to open');
    expect(await first.stop('SIGKILL')).toBe(null);
    // The watchdog takes DynamoDB Local down with the killed stack, so the data folder is free again.
    await until(async () => !dynamoStillRunning(first.dynamoPort) || undefined, 'DynamoDB Local to stop');

    const second = await startStackProcess({ PENTAD_DATA_DIR: dataDir });
    try {
      expect(second.output()).toMatch(/1 execution\(s\) resumed/);
      const inbox = await http(second, 'GET', '/approvals?inbox=mine', manager);
      expect(inbox.body.items.map((e: any) => e.approvalId)).toContain(approval.body.id);
      const decided = await http(second, 'POST', `/approvals/${approval.body.id}/decisions`, manager, { decision: 'approve', comment: 'After the restart' });
      expect(decided.status).toBe(200);
      const done = await until(async () => {
        const res = await http(second, 'GET', `/approvals/${approval.body.id}`, rep);
        return res.body.status === 'APPROVED' ? res.body : undefined;
      }, 'APPROVED');
      expect(done.steps[0].decisions[0]).toMatchObject({ actorId: manager, comment: 'After the restart' });
      const dealNow = await http(second, 'GET', `/deals/${deal.body.id}`, rep);
      expect(dealNow.body.lockedByApprovalId).toBeUndefined();
      expect(dealNow.body.approval.status).toBe('APPROVED');
    } finally {
      await second.stop('SIGINT');
    }
  }, 150_000);
});
