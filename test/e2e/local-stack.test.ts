import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dynamoStillRunning, startStackProcess, type RunningStack } from '#test/support/local-stack-process';

/** The stack as `npm start` runs it, driven over real HTTP. */
async function http(stack: RunningStack, method: string, path: string, init: { token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(stack.url + path, {
    method,
    headers: {
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
      ...init.headers,
    },
    body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text.startsWith('{') ? JSON.parse(text) : text };
}

async function token(stack: RunningStack, userId: string) {
  const res = await http(stack, 'POST', '/dev/token', { body: { userId } });
  expect(res.status).toBe(200);
  return res.body.token as string;
}

async function allCustomers(stack: RunningStack, userId: string) {
  const bearer = await token(stack, userId);
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const res = await http(stack, 'GET', `/customers?limit=100${cursor ? `&cursor=${cursor}` : ''}`, { token: bearer });
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

describe('npm start, in memory, over HTTP', () => {
  let stack: RunningStack;
  beforeAll(async () => {
    stack = await startStackProcess({ PENTAD_IN_MEMORY: '1' });
  }, 90_000);
  afterAll(async () => {
    await stack?.stop('SIGKILL');
  });

  it('prints its progress, the URL and the seeded users; /health is ok', async () => {
    const out = stack.output();
    for (const line of ['DynamoDB Local ready in', 'Table pentad created', 'Seeded the demo organisation', 'Workflow engine ready', 'Scheduler running', 'rep-east-enterprise-1 (rep)', '/dev/token']) {
      expect(out).toContain(line);
    }
    const health = await http(stack, 'GET', '/health');
    expect(health).toMatchObject({ status: 200, body: { status: 'ok', table: 'ok', engine: 'ok' } });
  });

  it('an admin token reads /me', async () => {
    const me = await http(stack, 'GET', '/me', { token: await token(stack, 'admin') });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: 'admin', roles: ['admin'] });
  });

  it('a rep lists only their customers, a manager the team’s, a director the region’s', async () => {
    const rep = await allCustomers(stack, 'rep-south-commercial-2');
    expect(rep.length).toBe(5);
    expect(rep.every((c) => c.ownerId === 'rep-south-commercial-2')).toBe(true);
    const manager = await allCustomers(stack, 'manager-south-commercial');
    expect(manager.length).toBe(15);
    expect(manager.every((c) => c.teamId === 'south-commercial')).toBe(true);
    const director = await allCustomers(stack, 'director-south');
    expect(director.length).toBe(30);
    expect(director.every((c) => c.regionId === 'south')).toBe(true);
  });

  it('another rep’s customer by id is 404, never 200', async () => {
    const [foreign] = await allCustomers(stack, 'rep-east-commercial-1');
    const res = await http(stack, 'GET', `/customers/${foreign.id}`, { token: await token(stack, 'rep-east-commercial-2') });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('not_found');
  });

  it('bad input over the wire is a JSON 4xx, never a 500', async () => {
    const bearer = await token(stack, 'rep-east-commercial-2');
    const bad = [
      await http(stack, 'POST', '/customers', { token: bearer, body: '{"name":' }),
      await http(stack, 'POST', '/customers', { token: bearer, body: { name: 'x'.repeat(10_240) } }),
      await http(stack, 'POST', '/customers', { token: bearer, body: { name: 'ok', ownerId: 'rep-east-commercial-2', version: 3 } }),
      await http(stack, 'GET', '/customers?limit=100000', { token: bearer }),
    ];
    expect(bad.map((r) => r.status)).toEqual([400, 400, 400, 400]);
    expect(bad.every((r) => typeof r.body.error?.message === 'string')).toBe(true);
  });
});

describe('npm start with a data folder', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pentad-e2e-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps the data across a restart, does not seed twice, and Ctrl-C leaves no java behind', async () => {
    const first = await startStackProcess({ PENTAD_DATA_DIR: dataDir });
    const bearer = await token(first, 'rep-east-enterprise-1');
    const created = await http(first, 'POST', '/customers', { token: bearer, body: { name: 'Survivor Ltd' } });
    expect(created.status).toBe(201);
    expect(await first.stop('SIGINT')).toBe(0);
    expect(dynamoStillRunning(first.dynamoPort)).toBe(false);

    const second = await startStackProcess({ PENTAD_DATA_DIR: dataDir });
    try {
      expect(second.output()).toContain('Demo organisation already seeded');
      expect(second.output()).toContain('Table pentad found');
      // The issuer key is kept too, so the first run's token still works.
      const again = await http(second, 'GET', `/customers/${created.body.id}`, { token: bearer });
      expect(again.status).toBe(200);
      expect(again.body.name).toBe('Survivor Ltd');
      expect((await allCustomers(second, 'vp')).length).toBe(61);
    } finally {
      expect(await second.stop('SIGINT')).toBe(0);
    }
  }, 120_000);

  it('refuses to start on a port that is taken, with a clear message', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer().listen(0);
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as { port: number }).port;
    try {
      await expect(startStackProcess({ PENTAD_IN_MEMORY: '1', PORT: String(port) })).rejects.toThrow(/Port \d+ is already in use/);
    } finally {
      blocker.close();
    }
  });
});
