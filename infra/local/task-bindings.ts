/**
 * What every Task state runs locally: the bound module's `run`, in-process, made durable.
 * - Each call is a visit of its state, numbered per execution run; replaying the execution from its input
 *   calls the same states in the same order, so (execution, state, visit) finds the recorded outcome and
 *   returns it instead of running the task again. Inside a Map, iterations interleave in whatever order I/O
 *   finishes, so there a visit is numbered per (state, hash of its input): each iteration's input (its item) is
 *   its own. Such inputs must not carry $$.State.EnteredTime or other values that differ on a replay.
 * - A callback task gets a token minted from that triple (aws-local-stepfunctions only has one static
 *   $$.Task.Token per run), opens it with a persisted deadline, runs its handler once, then waits for a
 *   decision written by sendTaskSuccess/Failure — in this process (woken at once) or another (polled) — or
 *   throws `States.Timeout` itself once the persisted deadline passes.
 * - A Lambda task races its `run` against the state's timeout; a timeout is recorded as the task's outcome
 *   (whichever is recorded first stands), so a replay takes the branch the first run took.
 * - The timeout is the state's TimeoutSeconds, or the value its TimeoutSecondsPath selected from the state's
 *   input (after InputPath, before Parameters); a value that is not a positive integer fails the execution
 *   with States.Runtime before the task runs, as in Step Functions. A callback's deadline, once persisted,
 *   stands for every replay.
 */
import { createHash } from 'node:crypto';
import type { RunOptions } from 'aws-local-stepfunctions';
import type { TaskDeps } from '#shared/core/task';
import { ASL_DEFAULT_TIMEOUT_SECONDS, PATH_TIMEOUT_INPUT, PATH_TIMEOUT_SECONDS, type BoundTask, type LoadedWorkflow } from '#infra/local/workflow-definitions';
import type { StepOutcome, TaskFailure, WorkflowStore } from '#infra/local/workflow-store';

export type TaskHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

/** The static value the library gives "$$.Task.Token"; a binding swaps it for the token it minted. */
export const TOKEN_PLACEHOLDER = '__LOCAL_TASK_TOKEN__';
const TOKEN_PREFIX = 'ltk1.';

export const mintToken = (executionKey: string, state: string, visit: string | number) =>
  TOKEN_PREFIX + createHash('sha256').update(`${executionKey}\n${state}\n${visit}`).digest('base64url');
export const isTokenShaped = (token: string) => /^ltk1\.[A-Za-z0-9_-]{43}$/.test(token);

export type InterruptReason = 'stop' | 'terminate' | 'rearm' | 'internal';

/**
 * Ends a run from inside a binding without the ASL seeing it: the library skips Retry and Catch for errors
 * that say so, and the engine decides what the run's end means (stay RUNNING, replay, or fail).
 */
export class EngineInterrupt extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(readonly reason: InterruptReason, cause?: unknown) {
    super(`Local workflow run interrupted (${reason})${cause instanceof Error ? `: ${cause.message}` : ''}`, { cause });
    this.name = 'EngineInterrupt';
  }
}

/**
 * The error a Task state fails with: its `name` is what Retry and Catch match, its message the Cause. A timeout
 * is made by `statesTimeout` (the library's own error), which States.TaskFailed does not match.
 */
export function taskError(failure: TaskFailure, statesTimeout?: (message: string) => Error): Error {
  if (failure.error === 'States.Timeout' && statesTimeout) return statesTimeout(failure.cause ?? '');
  const error = new Error(failure.cause ?? '');
  error.name = failure.error;
  return error;
}

/** States.Runtime: no Retry or Catch matches it (States.ALL included), so the execution fails, as in Step Functions. */
export class StatesRuntimeError extends Error {
  readonly isRetryable = false;
  readonly isCatchable = false;
  constructor(message: string) {
    super(message);
    this.name = 'States.Runtime';
  }
}

/**
 * The input the task gets and its timeout in seconds. With TimeoutSecondsPath the library hands over both (see
 * forLibrary in workflow-definitions.ts); the path's value must be a positive integer.
 */
export function timedInput(task: BoundTask, input: unknown): { input: unknown; timeoutSeconds: number } {
  if (task.timeoutSecondsPath === undefined) return { input, timeoutSeconds: task.timeoutSeconds };
  const wrapped = input as Record<string, unknown>;
  const seconds = wrapped[PATH_TIMEOUT_SECONDS];
  if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 1) {
    throw new StatesRuntimeError(
      `Task "${task.state}": TimeoutSecondsPath '${task.timeoutSecondsPath}' selected ${JSON.stringify(seconds) ?? 'nothing'}, not a positive integer`,
    );
  }
  // Beyond ASL's largest TimeoutSeconds (over 3 years, past any execution's 1-year limit) a deadline means nothing.
  return { input: wrapped[PATH_TIMEOUT_INPUT], timeoutSeconds: Math.min(seconds, ASL_DEFAULT_TIMEOUT_SECONDS) };
}

/** What Lambda reports when a function throws: errorType is the error's name. */
function lambdaFailure(error: unknown): TaskFailure {
  const name = (error as { name?: unknown } | null)?.name;
  const errorType = typeof name === 'string' && name ? name : 'Error';
  const errorMessage = error instanceof Error ? error.message : String(error);
  return { error: errorType, cause: JSON.stringify({ errorType, errorMessage }) };
}

const timedOut: StepOutcome = { status: 'FAILED', error: 'States.Timeout', cause: 'The task did not get a result within its timeout' };
const viaJson = (value: unknown) => JSON.parse(JSON.stringify(value ?? null)) as unknown;

function withToken(value: unknown, token: string): unknown {
  if (typeof value === 'string') return value.split(TOKEN_PLACEHOLDER).join(token);
  if (Array.isArray(value)) return value.map((item) => withToken(item, token));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withToken(v, token)]));
  return value;
}

/**
 * Lets a decision in this process wake its waiting binding at once instead of at the next poll. A binding
 * subscribes before it first reads its token, so a decision landing between that read and the wait is not missed.
 */
export class Wakeups {
  private readonly subscribers = new Map<string, Set<Subscription>>();

  wake(token: string) {
    for (const subscription of this.subscribers.get(token) ?? []) subscription.notify();
  }

  subscribe(token: string): Subscription {
    const set = this.subscribers.get(token) ?? new Set<Subscription>();
    this.subscribers.set(token, set);
    const subscription = new Subscription(() => {
      set.delete(subscription);
      if (set.size === 0) this.subscribers.delete(token);
    });
    set.add(subscription);
    return subscription;
  }
}

class Subscription {
  private woken = false;
  private resume?: () => void;
  constructor(readonly close: () => void) {}

  notify() {
    this.woken = true;
    this.resume?.();
  }

  /** Resolves after ms, on abort, or on a wake since the previous wait. */
  wait(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.resume = undefined;
        this.woken = false;
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, ms));
      this.resume = done;
      if (this.woken || signal.aborted) done();
      else signal.addEventListener('abort', done, { once: true });
    });
  }
}

export interface RunContext {
  workflow: LoadedWorkflow;
  executionKey: string;
  store: WorkflowStore;
  deps: TaskDeps;
  wakeups: Wakeups;
  /** Aborted with reason 'stop' (engine stopping: stay RUNNING) or 'terminate' (execution timed out: close tokens). */
  signal: AbortSignal;
  pollIntervalMs: number;
  /** Replay a run whose wait outlives this, before the library's own task timer (its ceiling) fires. */
  maxInProcessWaitMs: number;
  /** Registers in-flight binding work so the engine's stop() can wait for it. */
  track<T>(work: Promise<T>): Promise<T>;
}

export function createTaskHandlers(ctx: RunContext): TaskHandlers {
  const visits = new Map<string, number>();
  const handlers: TaskHandlers = {};
  for (const task of ctx.workflow.tasks.values()) {
    handlers[task.state] = (input) => {
      const lane = task.inMap ? createHash('sha256').update(JSON.stringify(input ?? null)).digest('base64url').slice(0, 16) : '';
      const n = (visits.get(`${task.state}\n${lane}`) ?? 0) + 1;
      visits.set(`${task.state}\n${lane}`, n);
      return ctx.track(visitTask(ctx, task, lane ? `${lane}.${n}` : String(n), input, Date.now())) as ReturnType<TaskHandlers[string]>;
    };
  }
  return handlers;
}

async function visitTask(ctx: RunContext, task: BoundTask, visit: string, stateInput: unknown, enteredAt: number): Promise<unknown> {
  const { input, timeoutSeconds } = timedInput(task, stateInput); // throws States.Runtime before anything runs
  let outcome: StepOutcome;
  try {
    outcome =
      (await ctx.store.getStep(ctx.executionKey, task.state, visit)) ??
      (task.callback ? await callback(ctx, task, visit, input, timeoutSeconds, enteredAt) : await invoke(ctx, task, visit, input, timeoutSeconds));
  } catch (error) {
    throw error instanceof EngineInterrupt ? error : new EngineInterrupt('internal', error);
  }
  if (outcome.status === 'SUCCEEDED') return outcome.output;
  throw taskError(outcome, ctx.workflow.statesTimeout);
}

const eventOf = (task: BoundTask, input: unknown) => viaJson(task.integration === 'invoke' ? (input as { Payload?: unknown })?.Payload : input);
const nowIso = (ctx: RunContext) => ctx.deps.clock.now().toISOString();

async function invoke(ctx: RunContext, task: BoundTask, visit: string, input: unknown, timeoutSeconds: number): Promise<StepOutcome> {
  const run = ctx.track(
    (async () => {
      let outcome: StepOutcome;
      try {
        const result = viaJson(await task.run(eventOf(task, input), ctx.deps));
        // arn:aws:states:::lambda:invoke returns the invocation response; the function's result is its Payload.
        outcome = { status: 'SUCCEEDED', output: task.integration === 'invoke' ? { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 } : result };
      } catch (error) {
        outcome = { status: 'FAILED', ...lambdaFailure(error) };
      }
      return ctx.store.recordStep(ctx.executionKey, task.state, visit, outcome, nowIso(ctx));
    })(),
  );
  // A run still going at the timeout goes on (stop() waits for it), but the recorded timeout stands.
  const timeout = timer(timeoutSeconds * 1000, ctx.signal);
  try {
    return await Promise.race([run, timeout.fired.then(() => ctx.store.recordStep(ctx.executionKey, task.state, visit, timedOut, nowIso(ctx)))]);
  } finally {
    timeout.cancel();
  }
}

/** Resolves after ms (chained: setTimeout cannot hold ~25 days); never once cancelled or the run is aborted. */
function timer(ms: number, signal: AbortSignal): { fired: Promise<void>; cancel: () => void } {
  let handle: ReturnType<typeof setTimeout> | undefined;
  const cancel = () => clearTimeout(handle);
  const fired = new Promise<void>((resolve) => {
    const until = Date.now() + ms;
    const check = () => {
      const remaining = until - Date.now();
      if (remaining <= 0) resolve();
      else handle = setTimeout(check, Math.min(remaining, MAX_TIMER_MS));
    };
    check();
  });
  if (signal.aborted) cancel();
  else signal.addEventListener('abort', cancel, { once: true });
  return {
    fired,
    cancel: () => {
      cancel();
      signal.removeEventListener('abort', cancel);
    },
  };
}
const MAX_TIMER_MS = 2 ** 31 - 1;

async function callback(ctx: RunContext, task: BoundTask, visit: string, input: unknown, timeoutSeconds: number, enteredAt: number): Promise<StepOutcome> {
  const token = mintToken(ctx.executionKey, task.state, visit);
  const now = ctx.deps.clock.now();
  const open =
    (await ctx.store.getToken(token)) ??
    (await ctx.store.openToken({
      token,
      executionKey: ctx.executionKey,
      state: task.state,
      visit,
      waitStartedAt: now.toISOString(),
      // A replay finds the token this opened: the deadline persisted on the first visit stands.
      deadline: new Date(now.getTime() + timeoutSeconds * 1000).toISOString(),
    }));
  if (open.status === 'WAITING' && !open.handlerDone) {
    try {
      await task.run(eventOf(task, withToken(input, token)), ctx.deps);
      await ctx.store.markHandlerDone(token);
    } catch (error) {
      const failure = lambdaFailure(error);
      // The invocation failed, so the task fails with it, unless a decision already closed the token.
      if (await ctx.store.closeToken(token, 'FAILED', nowIso(ctx), { error: failure })) {
        return ctx.store.recordStep(ctx.executionKey, task.state, visit, { status: 'FAILED', ...failure }, nowIso(ctx));
      }
    }
  }
  const outcome = await decision(ctx, token, enteredAt);
  return ctx.store.recordStep(ctx.executionKey, task.state, visit, outcome, nowIso(ctx));
}

async function decision(ctx: RunContext, token: string, enteredAt: number): Promise<StepOutcome> {
  const subscription = ctx.wakeups.subscribe(token);
  try {
    for (;;) {
      if (ctx.signal.aborted) {
        if (ctx.signal.reason === 'terminate') await ctx.store.closeToken(token, 'CLOSED', nowIso(ctx));
        throw new EngineInterrupt(ctx.signal.reason === 'terminate' ? 'terminate' : 'stop');
      }
      const record = await ctx.store.getToken(token);
      if (!record) throw new Error(`Task token ${token} disappeared`);
      if (record.status === 'SUCCEEDED') return { status: 'SUCCEEDED', output: record.output ?? null };
      if (record.status === 'FAILED') return { status: 'FAILED', ...record.error! };
      if (record.status === 'TIMED_OUT') return timedOut;
      if (record.status === 'CLOSED') throw new EngineInterrupt('terminate');
      const remaining = Date.parse(record.deadline) - ctx.deps.clock.now().getTime();
      if (remaining <= 0) {
        if (await ctx.store.closeToken(token, 'TIMED_OUT', nowIso(ctx))) return timedOut;
        continue; // a decision landed first: read it
      }
      const rearmIn = ctx.maxInProcessWaitMs - (Date.now() - enteredAt);
      if (rearmIn <= 0) throw new EngineInterrupt('rearm');
      await subscription.wait(Math.min(remaining, ctx.pollIntervalMs, rearmIn), ctx.signal);
    }
  } finally {
    subscription.close();
  }
}
