/**
 * State transitions as Step Functions bills them (one per state entered, inside Maps too), counted from the event
 * log aws-local-stepfunctions keeps for each run. The local engine starts every run through StateMachine#run; the
 * bench taps that method (in this process only) and tallies each execution's StateEntered events by state.
 */
import { StateMachine } from 'aws-local-stepfunctions';

const entered = new Map<string, Map<string, number>>();
let tapped = false;

export function tapTransitions() {
  if (tapped) return;
  tapped = true;
  const run = StateMachine.prototype.run;
  StateMachine.prototype.run = function (this: StateMachine, ...args: Parameters<typeof run>) {
    const execution = run.apply(this, args);
    const name = (args[1]?.context as { Execution?: { Name?: string } } | undefined)?.Execution?.Name ?? 'unnamed';
    const counts = entered.get(name) ?? new Map<string, number>();
    entered.set(name, counts);
    void (async () => {
      for await (const event of execution.eventLogs) {
        if (event.type === 'StateEntered') counts.set(event.state.name, (counts.get(event.state.name) ?? 0) + 1);
      }
    })().catch(() => {});
    return execution;
  };
}

/** StateEntered counts by state for the execution named `name` (a replay after a restart would add its own). */
export function transitionsOf(name: string): { total: number; byState: Record<string, number> } {
  const counts = entered.get(name) ?? new Map<string, number>();
  return { total: [...counts.values()].reduce((a, b) => a + b, 0), byState: Object.fromEntries(counts) };
}
