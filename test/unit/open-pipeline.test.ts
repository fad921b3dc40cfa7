import { describe, expect, it } from 'vitest';
import { pipelineDeltas, pipelineFigures, type PipelineDelta, type PipelineFacts } from '#shared/goals/open-pipeline';
import { pipelineProgress } from '#shared/goals/progress';

const deal: PipelineFacts = {
  status: 'open',
  amount: 1_000_000,
  currency: 'CNY',
  probability: 20,
  forecastCategory: 'pipeline',
  expectedCloseDate: '2026-08-20',
  ownerId: 'rep-a',
  teamId: 'team-a',
  regionId: 'east',
  productLineId: 'crm',
};

const SCOPES_A = ['ALL', 'PL#crm', 'REGION#east', 'REGION#east#PL#crm', 'TEAM#team-a', 'TEAM#team-a#PL#crm', 'REP#rep-a', 'REP#rep-a#PL#crm'];

/** Deltas as scope@month → attributes, so a test reads like the items it changes. */
const byKey = (deltas: PipelineDelta[]) => Object.fromEntries(deltas.map((d) => [`${d.scope}@${d.month}`, d.add]));

describe('open pipeline deltas', () => {
  it('a new deal adds itself to its eight scopes in its close month', () => {
    const deltas = byKey(pipelineDeltas(undefined, deal));
    expect(Object.keys(deltas).sort()).toEqual(SCOPES_A.map((s) => `${s}@2026-08`).sort());
    expect(deltas['TEAM#team-a@2026-08']).toEqual({ 'deals|CNY': 1, 'open|CNY': 1_000_000, 'weighted|CNY': 20_000_000, 'pipeline|CNY': 1_000_000 });
  });

  it('no close date: nothing; no amount: only its count', () => {
    expect(pipelineDeltas(undefined, { ...deal, expectedCloseDate: undefined })).toEqual([]);
    expect(byKey(pipelineDeltas(undefined, { ...deal, amount: undefined }))['ALL@2026-08']).toEqual({ 'deals|CNY': 1 });
  });

  it('a stage move changes only the weighted sum', () => {
    const deltas = pipelineDeltas(deal, { ...deal, probability: 60 });
    expect(deltas).toHaveLength(8);
    for (const d of deltas) expect(d.add).toEqual({ 'weighted|CNY': 40_000_000 });
  });

  it('an amount change moves open, weighted and the category by the difference', () => {
    const deltas = byKey(pipelineDeltas(deal, { ...deal, amount: 1_500_000, forecastCategory: 'pipeline' }));
    expect(deltas['REP#rep-a@2026-08']).toEqual({ 'open|CNY': 500_000, 'weighted|CNY': 10_000_000, 'pipeline|CNY': 500_000 });
  });

  it('a category change moves the amount between categories; omitted leaves every category', () => {
    expect(byKey(pipelineDeltas(deal, { ...deal, forecastCategory: 'commit' }))['ALL@2026-08']).toEqual({ 'pipeline|CNY': -1_000_000, 'commit|CNY': 1_000_000 });
    expect(byKey(pipelineDeltas(deal, { ...deal, forecastCategory: 'omitted' }))['ALL@2026-08']).toEqual({ 'pipeline|CNY': -1_000_000 });
  });

  it('a close-month change leaves one month and enters the other', () => {
    const deltas = byKey(pipelineDeltas(deal, { ...deal, expectedCloseDate: '2026-09-03' }));
    expect(Object.keys(deltas)).toHaveLength(16);
    expect(deltas['ALL@2026-08']).toEqual({ 'deals|CNY': -1, 'open|CNY': -1_000_000, 'weighted|CNY': -20_000_000, 'pipeline|CNY': -1_000_000 });
    expect(deltas['ALL@2026-09']).toEqual({ 'deals|CNY': 1, 'open|CNY': 1_000_000, 'weighted|CNY': 20_000_000, 'pipeline|CNY': 1_000_000 });
    // Same month, another day: nothing to write.
    expect(pipelineDeltas(deal, { ...deal, expectedCloseDate: '2026-08-31' })).toEqual([]);
  });

  it('an owner change across teams and regions moves the rep, team and region scopes; the shared ones merge to nothing', () => {
    const moved = { ...deal, ownerId: 'rep-b', teamId: 'team-b', regionId: 'south' };
    const deltas = byKey(pipelineDeltas(deal, moved));
    const expected = ['REGION#east', 'REGION#east#PL#crm', 'TEAM#team-a', 'TEAM#team-a#PL#crm', 'REP#rep-a', 'REP#rep-a#PL#crm'];
    const entered = ['REGION#south', 'REGION#south#PL#crm', 'TEAM#team-b', 'TEAM#team-b#PL#crm', 'REP#rep-b', 'REP#rep-b#PL#crm'];
    expect(Object.keys(deltas).sort()).toEqual([...expected, ...entered].map((s) => `${s}@2026-08`).sort());
    expect(deltas['REP#rep-a@2026-08']!['open|CNY']).toBe(-1_000_000);
    expect(deltas['REP#rep-b@2026-08']!['open|CNY']).toBe(1_000_000);
    // Same team, another rep: region and team items are untouched too.
    expect(Object.keys(byKey(pipelineDeltas(deal, { ...deal, ownerId: 'rep-c' }))).sort()).toEqual(['REP#rep-a#PL#crm@2026-08', 'REP#rep-a@2026-08', 'REP#rep-c#PL#crm@2026-08', 'REP#rep-c@2026-08']);
  });

  it('won and lost leave the open pipeline entirely', () => {
    for (const status of ['won', 'lost'] as const) {
      const deltas = pipelineDeltas({ ...deal, probability: 80, forecastCategory: 'commit' }, { ...deal, status, probability: status === 'won' ? 100 : 0, forecastCategory: status === 'won' ? 'closed' : 'omitted' });
      expect(deltas).toHaveLength(8);
      for (const d of deltas) expect(d.add).toEqual({ 'deals|CNY': -1, 'open|CNY': -1_000_000, 'weighted|CNY': -80_000_000, 'commit|CNY': -1_000_000 });
    }
  });

  it('merges changes to the same item into one (a transaction touches an item once)', () => {
    // Category and amount and currency change at once: each of the eight items appears exactly once.
    const deltas = pipelineDeltas(deal, { ...deal, amount: 2_000_000, currency: 'USD', forecastCategory: 'best_case' });
    expect(deltas).toHaveLength(8);
    expect(new Set(deltas.map((d) => `${d.scope}@${d.month}`)).size).toBe(8);
    expect(deltas[0]!.add).toEqual({
      'deals|CNY': -1,
      'open|CNY': -1_000_000,
      'weighted|CNY': -20_000_000,
      'pipeline|CNY': -1_000_000,
      'deals|USD': 1,
      'open|USD': 2_000_000,
      'weighted|USD': 40_000_000,
      'best_case|USD': 2_000_000,
    });
  });
});

describe('pipeline figures and coverage', () => {
  const items = [
    { 'deals|CNY': 2, 'open|CNY': 300_000, 'weighted|CNY': 10_000_050, 'commit|CNY': 100_000, 'pipeline|CNY': 200_000, 'open|USD': 999 },
    { 'deals|CNY': 1, 'open|CNY': 100_000, 'weighted|CNY': 4_000_000, 'best_case|CNY': 100_000 },
    undefined,
  ];

  it('sums one currency and divides the weighted sum by 100 once', () => {
    expect(pipelineFigures(items, 'CNY')).toEqual({ openDeals: 3, openAmount: 400_000, weightedPipeline: 140_001, commit: 100_000, bestCase: 100_000, pipeline: 200_000 });
  });

  it('coverage is open pipeline ÷ what remains to the base tier; null once it is reached', () => {
    const figures = pipelineFigures(items, 'CNY');
    expect(pipelineProgress(1_000_000, 200_000, figures)).toMatchObject({ remaining: 800_000, coverage: 0.5, forecast: { closed: 200_000, commit: 100_000, bestCase: 100_000, pipeline: 200_000 } });
    expect(pipelineProgress(1_000_000, 1_200_000, figures)).toMatchObject({ remaining: 0, coverage: null });
  });
});
