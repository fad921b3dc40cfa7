import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStackProcess, type RunningStack } from '#test/support/local-stack-process';

/** The web console in Debian's Chromium against the stack as `npm start` runs it. Screenshots go to test/artifacts/. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(import.meta.dirname, '..', 'artifacts');
const REP = 'rep-east-enterprise-1';
const MANAGER = 'manager-east-enterprise';
const now = new Date();
const year = now.getUTCFullYear();
const quarter = `${year}-Q${Math.floor(now.getUTCMonth() / 3) + 1}`;

let stack: RunningStack;
let browser: Browser;
const dataDir = mkdtempSync(join(tmpdir(), 'pentad-console-'));
const home = mkdtempSync(join(tmpdir(), 'pentad-chromium-'));

async function http(method: string, path: string, as?: string, body?: unknown) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (as) headers.authorization = `Bearer ${(await (await fetch(`${stack.url}/dev/token`, { method: 'POST', headers, body: JSON.stringify({ userId: as }) })).json()).token}`;
  const res = await fetch(stack.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const json: any = await res.json();
  expect(res.status, `${method} ${path}: ${JSON.stringify(json)}`).toBeLessThan(300);
  return json;
}

async function until<T>(check: () => Promise<T | undefined | false>, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function signIn(page: Page, userId: string) {
  await page.goto(stack.url + '/');
  await page.selectOption('#user', userId);
  await page.click('button[type=submit]');
  await page.waitForSelector('[data-nav=dashboard]');
}

/** Drawn pixels (alpha > 0) of every canvas inside the element: ECharts draws into canvases. */
const drawnPixels = (page: Page, testid: string) =>
  page.$$eval(`[data-testid=${testid}] canvas`, (canvases) =>
    canvases.map((c) => {
      const canvas = c as HTMLCanvasElement;
      if (!canvas.width || !canvas.height) return 0;
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      let n = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
      return n;
    }),
  );

let approvalId: string;
let customerName: string;
let expectedAttainment: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  [stack, browser] = await Promise.all([
    startStackProcess({ PENTAD_DATA_DIR: dataDir }),
    chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
      env: { ...process.env, HOME: home },
    }),
  ]);
  // A team target for the year, an order for the rep today, and a deal over the manager's threshold waiting for a decision.
  const company = await http('POST', '/targets', 'vp', { fiscalYear: year, amount: 1_200_000_000, tiers: { base: 1_200_000_000, sprint: 1_300_000_000, challenge: 1_500_000_000 } });
  const regions = await http('POST', `/targets/${company.id}/allocations`, 'vp', { dimension: 'region', method: 'weights', weights: { east: 60, south: 40 } });
  const teams = await http('POST', `/targets/${regions.children.find((c: any) => c.key === 'east').id}/allocations`, 'vp', { dimension: 'team', method: 'even' });
  await http('POST', `/targets/${teams.children.find((c: any) => c.key === 'east-enterprise').id}/allocations`, MANAGER, { dimension: 'quarter', method: 'even' });
  const [customer] = (await http('GET', '/customers?tier=C&limit=1', REP)).items;
  customerName = customer.name;
  await http('POST', `/customers/${customer.id}/orders`, REP, { amount: 4_321_000, date: now.toISOString().slice(0, 10), productLineId: 'crm-suite' });
  const deal = await http('POST', '/deals', REP, { customerId: customer.id, title: 'Console approval', amount: 6_000_000, productLineId: 'analytics', expectedCloseDate: `${year}-12-20`, discountPct: 5, paymentTermsDays: 30 });
  approvalId = (await http('POST', `/deals/${deal.id}/approvals`, REP, { reason: 'Above my limit' })).id;
  await until(async () => (await http('GET', '/approvals?inbox=mine', MANAGER)).items.some((e: any) => e.approvalId === approvalId), 'the manager’s step');
  const dashboard = await http('GET', `/dashboard?period=${quarter}&scope=team:east-enterprise`, MANAGER);
  expect(dashboard.attainment.base).toBeGreaterThan(0);
  expectedAttainment = `${(dashboard.attainment.base * 100).toFixed(1)}%`;
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop('SIGINT');
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(home, { recursive: true, force: true });
});

describe('the web console in Chromium', () => {
  it('a manager sees live charts, approves a deal by clicks alone, and the rep sees it approved', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (e) => failures.push(e.message));
    await signIn(page, MANAGER);

    // Dashboard: the team's figures from the API, drawn by ECharts.
    await expect.poll(() => page.textContent('[data-testid=kpi-attainment-base]')).toBe(expectedAttainment);
    expect(await page.textContent('[data-testid=tier-base]')).toBe(expectedAttainment);
    for (const chart of ['chart-attainment', 'chart-trend', 'chart-funnel']) {
      await expect.poll(async () => Math.max(0, ...(await drawnPixels(page, chart))), { message: `${chart} drew nothing` }).toBeGreaterThan(500);
    }
    // Top reps by name (GET /users/{id}), not by id; the funnel's stages named beside the chart.
    const repName = (await http('GET', `/users/${REP}`, MANAGER)).name as string;
    expect(repName).not.toBe(REP);
    await expect.poll(() => page.textContent(`[data-testid=top-reps] [data-rep="${REP}"]`)).toContain(repName);
    await expect.poll(() => page.textContent('[data-testid=funnel-stages] [data-stage=lead]')).toMatch(/^Lead: \d+$/);
    // Labels, not keys: the role in the header, the scopes by name; a bad query names its field, Retry apart.
    const teamName = ((await http('GET', '/teams?limit=100', MANAGER)).items as any[]).find((x) => x.id === 'east-enterprise').name as string;
    expect(await page.textContent('#who')).toContain('Manager');
    expect(await page.$$eval('[data-testid=scope] option', (os) => os.map((o) => o.textContent))).toEqual(['Me', `Team: ${teamName}`]);
    await page.screenshot({ path: join(ARTIFACTS, 'console-dashboard-1280.png'), fullPage: true });
    await page.goto(`${stack.url}/#/dashboard?period=not-a-period`);
    await expect.poll(() => page.textContent('[data-testid=error-fields]').catch(() => null)).toMatch(/^period: /);
    expect(await page.textContent('main .error button')).toBe('Retry');
    await page.screenshot({ path: join(ARTIFACTS, 'console-error-1280.png') });
    await page.goto(`${stack.url}/#/dashboard`);
    await page.waitForSelector('[data-testid=chart-attainment] canvas');
    await page.click('#lang');
    await expect.poll(() => page.textContent('main h1')).toContain('仪表盘');
    await page.waitForSelector('[data-testid=chart-attainment] canvas');
    // zh-CN: the default pipeline's stage ids get their Chinese names.
    await expect.poll(() => page.textContent('[data-testid=funnel-stages] [data-stage=lead]')).toMatch(/^线索: \d+$/);
    expect(await page.textContent('[data-testid=funnel-stages] [data-stage=needs_analysis]')).toMatch(/^需求分析: /);
    expect(await page.$$eval('[data-testid=scope] option', (os) => os.map((o) => o.textContent))).toEqual(['我', `团队: ${teamName}`]);
    expect(await page.textContent('#who')).toContain('经理');
    await page.screenshot({ path: join(ARTIFACTS, 'console-dashboard-zh-1280.png'), fullPage: true });
    await page.click('#lang');
    await expect.poll(() => page.textContent('main h1')).toContain('Dashboard');

    // Every other screen loads from the API without an error (empty states are messages, not blanks).
    for (const screen of ['pipeline', 'customers', 'followUps', 'leaderboard', 'reviews']) {
      await page.click(`[data-nav=${screen}]`);
      await page.waitForFunction(() => document.querySelector('main h1') !== null && !document.querySelector('main')!.textContent!.includes('Loading…'));
      expect(await page.$$eval('main .error', (els) => els.map((e) => e.textContent)), screen).toEqual([]);
      if (screen === 'customers') {
        expect(await page.textContent('[data-testid=customers]')).toContain('Jade Technologies 01');
        expect(await page.textContent('[data-testid=customers]')).toContain(repName);
      }
      if (screen === 'leaderboard') {
        expect(await page.textContent('[data-metric=won_amount]')).toBe('Won amount');
        expect(await page.textContent('main section h2')).toBe(`Team: ${teamName}`);
        // Attainment ranks people by their own targets: only the team has one here, so a message says why instead of dashes.
        const people = (await http('GET', `/leaderboard?period=${quarter}&metric=attainment&scope=team:east-enterprise`, MANAGER)).entries as any[];
        expect(people.length).toBeGreaterThan(0);
        expect(people.map((e) => e.value)).toEqual(people.map(() => null));
        expect(await page.textContent('[data-testid=leaderboard-no-values]')).toContain('no targets');
        await page.click('[data-metric=won_amount]');
        await expect.poll(() => page.textContent('[data-testid=leaderboard]').catch(() => '')).toContain(teamName);
        // The period picker: another period reloads the board for it.
        await page.fill('input[name=period]', `${year - 1}`);
        await page.click('form.filters button[type=submit]');
        await expect.poll(() => page.textContent('main h1')).toBe(`Leaderboard · ${year - 1}`);
        expect(await page.textContent('[data-metric=won_amount].current')).toBe('Won amount');
        await page.screenshot({ path: join(ARTIFACTS, 'console-leaderboard-1280.png'), fullPage: true });
      }
      if (screen === 'pipeline') {
        // Stage names and counts as a person reads them: "1 deal", "2 deals", never "1 deals".
        const inLead = ((await http('GET', '/deals?limit=100', MANAGER)).items as any[]).filter((d) => d.stage === 'lead').length;
        expect(await page.textContent('[data-stage=lead] [data-testid=stage-name]')).toBe('Lead');
        expect(await page.textContent('[data-stage=lead] h2 .badge')).toBe(inLead === 1 ? '1 deal' : `${inLead} deals`);
        expect(await page.textContent('[data-deal] .muted')).toContain(repName);
      }
    }

    // Approvals: open the inbox item, comment, approve.
    await page.click('[data-nav=approvals]');
    expect(await page.textContent(`[data-testid=inbox] [data-approval="${approvalId}"]`)).toContain(`Requested by ${repName}`);
    await page.click(`[data-testid=inbox] [data-approval="${approvalId}"] a`);
    await expect.poll(() => page.textContent('[data-testid=requester]').catch(() => null)).toBe(repName);
    expect(await page.textContent('[data-testid=customer]')).toContain(customerName);
    await page.fill('textarea[name=comment]', 'Fine by me');
    await page.click('[data-testid=approve]');
    await expect.poll(() => page.getAttribute('[data-testid=approval-status]', 'data-status'), { timeout: 15_000 }).toBe('APPROVED');
    expect(await page.textContent('.history')).toContain('Fine by me');
    expect(await page.textContent('.history')).toContain((await http('GET', `/users/${MANAGER}`, MANAGER)).name);
    expect(await page.$(`[data-testid=inbox] [data-approval="${approvalId}"]`)).toBeNull();
    const stored = await http('GET', `/approvals/${approvalId}`, MANAGER);
    expect(stored.status).toBe('APPROVED');
    expect(stored.steps[0].decisions[0]).toMatchObject({ actorId: MANAGER, decision: 'approve', comment: 'Fine by me' });
    await page.screenshot({ path: join(ARTIFACTS, 'console-approval-1280.png'), fullPage: true });
    await context.close();

    // The rep, on a phone: their request shows Approved, and so does the deal on the pipeline board.
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    const repPage = await phone.newPage();
    repPage.on('pageerror', (e) => failures.push(e.message));
    await signIn(repPage, REP);
    await repPage.screenshot({ path: join(ARTIFACTS, 'console-dashboard-phone.png'), fullPage: true });
    await repPage.click('[data-nav=approvals]');
    const request = repPage.locator(`[data-testid=my-requests] [data-approval="${approvalId}"]`);
    await expect.poll(() => request.textContent()).toContain('Approved');
    await repPage.screenshot({ path: join(ARTIFACTS, 'console-approvals-phone.png'), fullPage: true });
    // zh-CN on the phone: intent levels and owners as a person reads them, never hot / warm / cold or user ids.
    await repPage.click('#lang');
    await repPage.click('[data-nav=customers]');
    await repPage.waitForSelector('[data-testid=customers] tbody td');
    const intents = await repPage.$$eval('[data-testid=customers] tbody td:nth-child(4)', (tds) => tds.map((td) => td.textContent));
    expect(intents.length).toBeGreaterThan(0);
    expect(intents.filter((x) => !['高', '中', '低', '—'].includes(x!))).toEqual([]);
    expect(await repPage.textContent('[data-testid=customers]')).not.toContain(REP);
    await repPage.screenshot({ path: join(ARTIFACTS, 'console-customers-zh-phone.png'), fullPage: true });
    await repPage.click('#lang');
    await repPage.click('[data-nav=pipeline]');
    await expect.poll(() => repPage.textContent('[data-deal] [data-testid=deal-approval]')).toContain('Approved');
    const width = await repPage.evaluate(() => document.documentElement.scrollWidth);
    expect(width).toBeLessThanOrEqual(390);
    await repPage.screenshot({ path: join(ARTIFACTS, 'console-pipeline-phone.png'), fullPage: true });
    await phone.close();
    expect(failures).toEqual([]);
  }, 120_000);

  it('serves a favicon, so browsers get no 404 for it', async () => {
    const res = await fetch(`${stack.url}/favicon.ico`);
    expect([res.status, res.headers.get('content-type')]).toEqual([200, 'image/x-icon']);
    expect([...new Uint8Array(await res.arrayBuffer()).slice(0, 4)]).toEqual([0, 0, 1, 0]);
  });

  it('a manager assesses a scorecard from the reviews screen’s “To assess” list', async () => {
    const last = new Date(Date.UTC(year, now.getUTCMonth() - 1, 1));
    const period = `${last.getUTCFullYear()}-${String(last.getUTCMonth() + 1).padStart(2, '0')}`;
    await http('POST', '/review-cycles', 'admin', { period, teamId: 'east-enterprise' });
    const waiting = await until(async () => {
      const items = (await http('GET', '/scorecards?assessor=me', MANAGER)).items as any[];
      return items.length === 3 && items;
    }, 'three scorecards to assess', 30_000);
    const card = waiting.find((c) => c.userId === REP)!;

    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (e) => failures.push(e.message));
    await signIn(page, MANAGER);
    await page.click('[data-nav=reviews]');
    const row = page.locator(`[data-testid=to-assess] [data-scorecard="${card.id}"]`);
    await row.locator('summary').click();
    await row.locator('textarea[name=comment]').fill('Strong month');
    await row.locator('select[name=ratingAdjustment]').selectOption('1');
    await row.locator('input[name=goal]').fill('Two new enterprise logos');
    await row.locator('[data-testid=assess-submit]').click();
    await expect.poll(() => row.textContent()).toContain('Assessed');
    await page.screenshot({ path: join(ARTIFACTS, 'console-assess-1280.png'), fullPage: true });
    await context.close();
    expect(failures).toEqual([]);

    const stored = (await http('GET', `/scorecards?userId=${REP}`, MANAGER)).items.find((c: any) => c.id === card.id);
    expect(stored).toMatchObject({ status: 'assessed', finalRating: Math.min(5, card.rating + 1), assessment: { by: MANAGER, comment: 'Strong month', ratingAdjustment: 1, goalsNextPeriod: ['Two new enterprise logos'] } });
    expect((await http('GET', '/scorecards?assessor=me', MANAGER)).items.map((c: any) => c.id)).not.toContain(card.id);
  }, 120_000);
});
