/**
 * A performance-review cycle for a team of 100 and of 1,000 reps (minimal data: users only), each on its own table:
 * POST /review-cycles starts workflows/performance-review.asl.json on the local engine with the real task handlers;
 * timed until every rep's scorecard is scored (the human steps that follow wait for people and are not timed).
 * Linear means the 10× team takes about 10× as long.
 */
import { cycleScorecards } from '#shared/reviews/store';
import { benchApi, inParallel, log, round } from './support.ts';

const GOAL = 12;

function previousMonth(now = new Date()) {
  const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  return d.toISOString().slice(0, 7);
}

async function cycleFor(reps: number) {
  const api = await benchApi();
  await api.ok('POST', '/regions', { as: 'admin', body: { id: 'bench', name: 'Bench region' } });
  await api.ok('POST', '/users', { as: 'admin', body: { id: 'bench-director', name: 'Bench Director', email: 'director@bench.example', roles: ['director'], regionId: 'bench' } });
  await api.ok('POST', '/users', { as: 'admin', body: { id: 'bench-manager', name: 'Bench Manager', email: 'manager@bench.example', roles: ['manager'], regionId: 'bench' } });
  await api.ok('POST', '/teams', { as: 'admin', body: { id: 'bench-team', name: 'Bench team', regionId: 'bench', managerId: 'bench-manager' } });
  const t = Date.now();
  await inParallel(Array.from({ length: reps }, (_, i) => i), 4, (i) =>
    api.ok('POST', '/users', { as: 'admin', body: { id: `bench-rep-${i}`, name: `Bench Rep ${i}`, email: `rep${i}@bench.example`, roles: ['rep'], teamId: 'bench-team' } }),
  );
  log(`review cycle: ${reps} reps created in ${Math.round((Date.now() - t) / 1000)} s`);

  const started = performance.now();
  const cycle = await api.ok('POST', '/review-cycles', { as: 'admin', body: { period: previousMonth(), teamId: 'bench-team' } });
  let scored = 0;
  for (;;) {
    const cards = await cycleScorecards(api.db, cycle.id);
    scored = cards.filter((c) => c.status !== undefined).length;
    if (scored >= reps) break;
    const status = (await api.engine.describeExecution(`arn:aws:states:local:000000000000:execution:performance-review:${cycle.executionName ?? cycle.id}`).catch(() => undefined))?.status;
    if (status && status !== 'RUNNING') throw new Error(`bench review cycle: the execution ended ${status} with ${scored}/${reps} scored`);
    if (performance.now() - started > 30 * 60_000) throw new Error(`bench review cycle: ${scored}/${reps} scored after 30 min`);
    await new Promise((r) => setTimeout(r, reps > 200 ? 500 : 100));
  }
  const seconds = (performance.now() - started) / 1000;
  await api.stop();
  log(`review cycle: ${reps} reps scored in ${seconds.toFixed(1)} s`);
  return { reps, secondsToScored: round(seconds, 2), msPerRep: round((seconds * 1000) / reps, 1) };
}

export async function reviewCycle(options: { small?: number; large?: number } = {}) {
  const small = options.small ?? Number(process.env.BENCH_REPS_SMALL ?? 100);
  const large = options.large ?? Number(process.env.BENCH_REPS_LARGE ?? 1_000);
  const rows = [await cycleFor(small), await cycleFor(large)];
  return {
    goal: GOAL,
    linear: large / small,
    timeRatio10x: round(rows[1]!.secondsToScored / rows[0]!.secondsToScored),
    measuredUntil: 'every scorecard scored (open → list reps → score each); the assessment and acknowledgement waits are human',
    rows,
  };
}
