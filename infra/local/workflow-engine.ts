/**
 * The WorkflowEngine port on this machine: the registry's ASL files run by aws-local-stepfunctions, every Task
 * bound in-process to its module's `run` (task-bindings.ts), executions durable in the table (workflow-store.ts).
 * An execution survives a restart: `resume()` re-runs every RUNNING execution from its input and the recorded
 * task outcomes replay it, without side effects, to where it was waiting. One engine per table at a time.
 */
import '#infra/local/promise-polyfill';
import { setMaxListeners } from 'node:events';
import { fileURLToPath } from 'node:url';
import { systemClock, type Clock } from '#shared/core/clock';
import type { Db } from '#shared/core/db';
import type { TaskDeps } from '#shared/core/task';
import {
  ExecutionNotFoundError,
  TaskClosedError,
  type ExecutionDescription,
  type StartExecutionInput,
  type WorkflowEngine,
} from '#shared/core/workflow-engine';
import type { WorkflowRegistry } from '#workflows/index';
import { createTaskHandlers, EngineInterrupt, isTokenShaped, TOKEN_PLACEHOLDER, Wakeups } from '#infra/local/task-bindings';
import { loadWorkflow, LIBRARY_TIMEOUT_CEILING_SECONDS, type LoadedWorkflow } from '#infra/local/workflow-definitions';
import { WorkflowStore, type ExecutionRecord, type TaskFailure } from '#infra/local/workflow-store';

export interface LocalWorkflowEngineOptions {
  db: Db;
  registry: WorkflowRegistry;
  clock?: Clock;
  /** Where registry paths (aslPath, task handlers) are resolved; the project root by default. */
  rootDir?: string;
  /** How often a waiting callback re-reads its token, for decisions sent by another process (default 2 s). */
  pollIntervalMs?: number;
  /**
   * aws-local-stepfunctions races each Task against its own timer, which setTimeout caps near 24.8 days; every
   * Task gets this ceiling instead (default 2,000,000 s), the bindings enforce the states' own timeouts, and a
   * callback wait reaching 90% of it replays its run to re-arm.
   * Only tests change it.
   */
  taskTimerCeilingSeconds?: number;
  onError?: (error: unknown, executionId: string) => void;
}

const ARN_PREFIX = 'arn:aws:states:local:000000000000:';
const MAX_INPUT_BYTES = 256 * 1024; // the Step Functions payload quota
// Step Functions rejects these names (InvalidName); rejecting them locally keeps local and AWS alike.
const VALID_NAME = /^[^\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]{1,80}$/;
const MAX_TIMER_MS = 2 ** 31 - 1;

interface ActiveRun {
  controller: AbortController;
  done: Promise<void>;
}

export class LocalWorkflowEngine implements WorkflowEngine {
  private readonly store: WorkflowStore;
  private readonly clock: Clock;
  private readonly deps: TaskDeps;
  private readonly wakeups = new Wakeups();
  private readonly runs = new Map<string, ActiveRun>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private loading?: Promise<Map<string, LoadedWorkflow>>;
  private loaded = false;
  private stopped = false;

  constructor(private readonly options: LocalWorkflowEngineOptions) {
    this.store = new WorkflowStore(options.db);
    this.clock = options.clock ?? systemClock;
    this.deps = { db: options.db, engine: this, clock: this.clock };
  }

  /** Reads every ASL file and imports every task module; throws on a Task that is not bound. Idempotent. */
  async load(): Promise<void> {
    await this.workflows();
  }

  /** Restarts every RUNNING execution from its input; recorded results replay it to where it waited. */
  async resume(): Promise<string[]> {
    await this.load();
    const running = await this.store.runningExecutions();
    for (const record of running) this.launch(record);
    return running.map((record) => executionId(record.workflow, record.name));
  }

  async startExecution({ workflow, name, input }: StartExecutionInput) {
    const workflows = await this.workflows();
    if (this.stopped) throw new Error('The local workflow engine is stopped');
    if (!workflows.has(workflow)) throw named('StateMachineDoesNotExist', `Workflow ${workflow} is not in the registry`);
    if (!VALID_NAME.test(name)) throw named('InvalidName', `Invalid execution name: ${name}`);
    const json = JSON.stringify(input ?? {});
    if (Buffer.byteLength(json) > MAX_INPUT_BYTES) throw named('InvalidExecutionInput', 'Execution input exceeds 256 KiB');
    const record: ExecutionRecord = {
      key: executionKey(workflow, name),
      workflow,
      name,
      input: JSON.parse(json),
      status: 'RUNNING',
      startedAt: this.clock.now().toISOString(),
    };
    const created = await this.store.createExecution(record);
    if (created) this.launch(record);
    return { executionId: executionId(workflow, name), alreadyStarted: !created };
  }

  async sendTaskSuccess(taskToken: string, output: unknown) {
    await this.decide(taskToken, 'SUCCEEDED', { output: JSON.parse(JSON.stringify(output ?? null)) });
  }

  async sendTaskFailure(taskToken: string, error: string, cause?: string) {
    await this.decide(taskToken, 'FAILED', { error: { error, ...(cause !== undefined ? { cause } : {}) } });
  }

  async describeExecution(id: string): Promise<ExecutionDescription> {
    const [workflow, name] = id.startsWith(`${ARN_PREFIX}execution:`) ? id.slice(`${ARN_PREFIX}execution:`.length).split(':') : [];
    const record = workflow && name ? await this.store.getExecution(executionKey(workflow, name)) : undefined;
    if (!record) throw new ExecutionNotFoundError(id);
    const { key: _key, ...description } = record;
    return description;
  }

  async ready() {
    return this.loaded && !this.stopped;
  }

  /**
   * Stops in-flight runs without touching their records: they stay RUNNING and resume on the next start.
   * Waits for task work already started (a running `run` finishes and is recorded).
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const run of this.runs.values()) run.controller.abort('stop');
    await Promise.allSettled([...[...this.runs.values()].map((run) => run.done), ...this.inFlight]);
  }

  private workflows(): Promise<Map<string, LoadedWorkflow>> {
    const rootDir = this.options.rootDir ?? fileURLToPath(new URL('../../', import.meta.url));
    this.loading ??= Promise.all(this.options.registry.workflows.map((w) => loadWorkflow(w, rootDir, this.options))).then((all) => {
      this.loaded = true;
      return new Map(all.map((w) => [w.name, w]));
    });
    return this.loading;
  }

  private async decide(token: string, status: 'SUCCEEDED' | 'FAILED', result: { output?: unknown; error?: TaskFailure }) {
    if (!isTokenShaped(token)) throw new TaskClosedError('InvalidToken', 'Invalid Token');
    if (await this.store.closeToken(token, status, this.clock.now().toISOString(), result, true)) {
      this.wakeups.wake(token);
      return;
    }
    const record = await this.store.getToken(token);
    if (!record) throw new TaskClosedError('TaskDoesNotExist', 'Task does not exist');
    // Step Functions answers TaskTimedOut both for an expired task and for one already closed.
    throw new TaskClosedError('TaskTimedOut', record.status === 'WAITING' ? 'Task Timed Out' : "Task Timed Out: 'Provided task does not exist anymore'");
  }

  private launch(record: ExecutionRecord): void {
    const id = executionId(record.workflow, record.name);
    if (this.stopped || this.runs.has(record.key)) return;
    if (!this.options.registry.workflows.some((w) => w.name === record.workflow)) {
      return (this.options.onError ?? defaultOnError)(new Error(`Workflow ${record.workflow} is no longer in the registry; left RUNNING`), id);
    }
    const run: ActiveRun = { controller: new AbortController(), done: Promise.resolve() };
    // Every waiting task of the run listens to this signal; a Map runs up to its MaxConcurrency of them at once.
    setMaxListeners(1000, run.controller.signal);
    this.runs.set(record.key, run);
    run.done = this.workflows()
      .then((workflows) => this.execute(workflows.get(record.workflow)!, record, run.controller))
      .catch((error) => (this.options.onError ?? defaultOnError)(error, id))
      .finally(() => {
        if (this.runs.get(record.key) === run) this.runs.delete(record.key);
      });
  }

  private async execute(workflow: LoadedWorkflow, record: ExecutionRecord, controller: AbortController): Promise<void> {
    const { signal } = controller;
    if (signal.aborted) return; // stopped before it began
    const handlers = createTaskHandlers({
      workflow,
      executionKey: record.key,
      store: this.store,
      deps: this.deps,
      wakeups: this.wakeups,
      signal,
      pollIntervalMs: this.options.pollIntervalMs ?? 2000,
      maxInProcessWaitMs: (this.options.taskTimerCeilingSeconds ?? LIBRARY_TIMEOUT_CEILING_SECONDS) * 900,
      track: (work) => {
        this.inFlight.add(work);
        void work.finally(() => this.inFlight.delete(work)).catch(() => {});
        return work;
      },
    });
    const execution = workflow.machine.run(record.input as never, {
      overrides: { taskResourceLocalHandlers: handlers },
      context: {
        Execution: { Id: executionId(record.workflow, record.name), Name: record.name },
        StateMachine: { Id: `${ARN_PREFIX}stateMachine:${record.workflow}`, Name: record.workflow },
        Task: { Token: TOKEN_PLACEHOLDER },
      },
    });
    signal.addEventListener('abort', () => execution.abort(), { once: true });
    const cancelTimeout = this.executionTimeout(workflow, record, controller);
    try {
      const output = await execution.result;
      await this.finish(record, 'SUCCEEDED', { output });
    } catch (error) {
      if (signal.reason === 'stop') return; // stays RUNNING: resumed on the next start
      if (signal.reason === 'terminate') return this.finish(record, 'TIMED_OUT', { error: { error: 'States.Timeout', cause: 'Execution timed out' } });
      const cause = (error as { cause?: unknown }).cause;
      if (cause instanceof EngineInterrupt && cause.reason === 'rearm') {
        controller.abort('stop'); // anything else this run waits on ends without closing its token: the replay takes it over
        this.runs.delete(record.key);
        return this.launch(record);
      }
      const failure = cause instanceof EngineInterrupt || !(cause instanceof Error)
        ? { error: 'States.Runtime', cause: (cause as Error | undefined)?.message ?? String(error) }
        : { error: cause.name, cause: cause.message };
      await this.finish(record, 'FAILED', { error: failure });
    } finally {
      cancelTimeout();
      // A wait the library left behind (another Parallel branch, a task it timed out) ends with the run, closing its token.
      controller.abort('terminate');
    }
  }

  /** The state machine's TimeoutSeconds, counted from the persisted start, so a restart does not reset it. Returns a canceller. */
  private executionTimeout(workflow: LoadedWorkflow, record: ExecutionRecord, controller: AbortController): () => void {
    if (workflow.executionTimeoutSeconds === undefined) return () => {};
    const deadline = Date.parse(record.startedAt) + workflow.executionTimeoutSeconds * 1000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const check = () => {
      const remaining = deadline - this.clock.now().getTime();
      if (remaining <= 0) controller.abort('terminate');
      else timer = setTimeout(check, Math.min(remaining, MAX_TIMER_MS)); // chained: setTimeout cannot hold ~25 days
    };
    check();
    return () => clearTimeout(timer);
  }

  private finish(record: ExecutionRecord, status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT', result: { output?: unknown; error?: TaskFailure }) {
    return this.store.finishExecution(record.key, status, result, this.clock.now().toISOString());
  }
}

/** Execution names are unique per state machine, as in Step Functions ('#' and ':' are not allowed in names). */
const executionKey = (workflow: string, name: string) => `${workflow}#${name}`;
const executionId = (workflow: string, name: string) => `${ARN_PREFIX}execution:${workflow}:${name}`;

function named(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function defaultOnError(error: unknown, executionId: string) {
  console.error(`[workflow-engine] ${executionId}:`, error);
}
