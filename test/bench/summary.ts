/** The printed report: one table of figures against their goals, then the raw tables behind them. */
type Results = Record<string, any>;

const yes = (met: boolean | undefined) => (met === undefined ? '—' : met ? 'yes' : 'NO');

export function figures(r: Results) {
  const rows: { part: string; figure: string; value: unknown; goal: string; met: string }[] = [];
  const add = (part: string, figure: string, value: number | undefined, goal: string, ok: (v: number) => boolean) =>
    rows.push({ part, figure, value: value ?? '—', goal, met: yes(value === undefined ? undefined : ok(value)) });
  add('roundTrips', 'max round trips on any route', r.roundTrips?.maxPerRoute, '≤ 2', (v) => v <= 2);
  add('latency', `p50 vs bare GetItem (${r.latency?.worstP50Route ?? 'worst route'})`, r.latency?.p50Ratio, '≤ 1.3×', (v) => v <= 1.3);
  add('latency', `p99 vs bare GetItem (${r.latency?.worstP99Route ?? 'worst route'})`, r.latency?.p99Ratio, '≤ 1.3×', (v) => v <= 1.3);
  add('scaling', 'dashboard latency, 100k / 1k deals', r.scaling?.dashboardLatencyRatio, '≤ 1.1×', (v) => v <= 1.1);
  add('scaling', 'dashboard read capacity, 100k / 1k deals', r.scaling?.dashboardRcuRatio, '≤ 1.1×', (v) => v <= 1.1);
  add('scaling', 'funnel latency, 100k / 1k deals', r.scaling?.funnelLatencyRatio, '≤ 1.1×', (v) => v <= 1.1);
  add('bundles', `largest Lambda bundle KB (${r.bundles?.maxKbBundle ?? '—'})`, r.bundles?.maxKb, '≤ 300', (v) => v <= 300);
  add('bundles', `cold import vs bare Hono (${r.bundles?.importRatioBundle ?? '—'})`, r.bundles?.importRatio, '≤ 1.5×', (v) => v <= 1.5);
  add('approval', 'state transitions, 3-step approval', r.approval?.stateTransitions, '≤ 15', (v) => v <= 15);
  add('reviewCycle', 'time 1,000 reps / 100 reps', r.reviewCycle?.timeRatio10x, '≤ 12 (linear ≈ 10)', (v) => v <= 12);
  return rows;
}

export function summary(r: Results) {
  console.table(figures(r));
  if (r.roundTrips?.routes) {
    console.log(`\nRound trips per route (${r.roundTrips.requests} requests over ${r.roundTrips.suites.join(' ')}):`);
    console.table(r.roundTrips.routes);
    if (r.roundTrips.notExercised?.length) console.log(`Not exercised by those suites: ${r.roundTrips.notExercised.join(', ')}`);
  }
  if (r.latency?.routes) {
    console.log(`\nWarm latency, ${r.latency.rounds} interleaved rounds:`);
    console.table(r.latency.routes);
  }
  if (r.scaling?.rows) {
    console.log('\nDashboard and funnel by deals in the table:');
    console.table(r.scaling.rows);
  }
  if (r.bundles?.rows) {
    console.log(`\nLambda bundles (baseline: ${r.bundles.baseline.bundle} ${r.bundles.baseline.kb} KB, import ${r.bundles.baseline.importMs} ms):`);
    console.table(r.bundles.rows);
    const biggest = r.bundles.composition?.[r.bundles.maxKbBundle];
    if (biggest) console.log(`KB by package in ${r.bundles.maxKbBundle}: ${Object.entries(biggest).map(([p, kb]) => `${p} ${kb}`).join(', ')}`);
  }
  if (r.approval?.byState) {
    console.log('\nStates entered in the 3-step approval:');
    console.table(r.approval.byState);
  }
  if (r.reviewCycle?.rows) {
    console.log('\nReview cycle until every scorecard is scored:');
    console.table(r.reviewCycle.rows);
  }
}
