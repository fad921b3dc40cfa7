/**
 * Loads a registry workflow for the local engine: reads its ASL file, fills the `${…FunctionArn}` placeholders,
 * finds the binding of every Task state and imports its `run`, failing fast on anything that would otherwise
 * reach for real AWS. The definition handed to aws-local-stepfunctions is an in-memory copy with timeouts the
 * engine enforces itself (see `forLibrary`); the file on disk stays the real ASL that CDK deploys.
 *
 * Task timeouts (TimeoutSeconds or TimeoutSecondsPath) are all enforced by the bindings (task-bindings.ts), never
 * by the library's timer: a callback's deadline is persisted with its token, a Lambda task's timeout is recorded
 * as its outcome, so a replay takes the branch the first run took.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { isTaskModule, type TaskRun } from '#shared/core/task';
import type { WorkflowDefinition } from '#workflows/index';

export interface BoundTask {
  state: string;
  placeholder: string;
  run: TaskRun;
  /** `lambda:invoke` wraps the result as `{ Payload }` and passes `Parameters.Payload` as the event; a bare Lambda ARN does neither. */
  integration: 'invoke' | 'direct';
  callback: boolean;
  /** Inside a Map's processor: iterations interleave, so its visits are told apart by their input (task-bindings.ts). */
  inMap: boolean;
  /** The state's TimeoutSeconds; ASL's default (99999999) when it has neither this nor TimeoutSecondsPath. */
  timeoutSeconds: number;
  /**
   * The state's TimeoutSecondsPath. Its value reaches the binding inside the input the library hands it
   * (`PATH_TIMEOUT_INPUT` / `PATH_TIMEOUT_SECONDS`, see `forLibrary`), resolved from the state's input after
   * InputPath and before Parameters, as in Step Functions.
   */
  timeoutSecondsPath?: string;
}

export interface LoadedWorkflow {
  name: string;
  machine: StateMachine;
  tasks: Map<string, BoundTask>;
  /** Top-level TimeoutSeconds, enforced by the engine from the persisted start time. */
  executionTimeoutSeconds?: number;
  /** A task timeout as the library raises it: Retry and Catch on States.TaskFailed do not match it (as in AWS). */
  statesTimeout: (message: string) => Error;
}

const INVOKE = 'arn:aws:states:::lambda:invoke';
const INVOKE_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
export const ASL_DEFAULT_TIMEOUT_SECONDS = 99_999_999;
/** Where a state with TimeoutSecondsPath gets its input (its Parameters' result, or its input) and its timeout. */
export const PATH_TIMEOUT_INPUT = '__localTaskInput';
export const PATH_TIMEOUT_SECONDS = '__localTimeoutSeconds';
/**
 * The library races every Task against setTimeout(TimeoutSeconds), defaulting to 60 s, and Node turns a delay
 * above 2^31-1 ms (~24.8 days) into 1 ms. Every Task gets this ceiling instead and its binding enforces the
 * state's timeout; a callback wait that outlives it in one process is re-armed by replaying (task-bindings.ts).
 */
export const LIBRARY_TIMEOUT_CEILING_SECONDS = 2_000_000;

export interface LoadOptions {
  /** Overrides LIBRARY_TIMEOUT_CEILING_SECONDS (tests prove the re-arm with a small one). */
  taskTimerCeilingSeconds?: number;
}

export const fakeFunctionArn = (placeholder: string) => `arn:aws:lambda:local:000000000000:function:${placeholder}`;

type State = Record<string, unknown> & { Type: string };
type Machine = { States: Record<string, State>; TimeoutSeconds?: number };

/**
 * Every state of a machine, nested Parallel branches and Map processors included, and whether it runs inside a Map.
 * A distributed Map runs here as an inline one (aws-local-stepfunctions has no child executions): the same items,
 * selector and concurrency, in this execution.
 */
function* allStates(machine: Machine, inMap = false): Generator<[string, State, boolean]> {
  for (const [name, state] of Object.entries(machine.States)) {
    yield [name, state, inMap];
    for (const branch of (state.Branches as Machine[]) ?? []) yield* allStates(branch, inMap);
    for (const processor of [state.Iterator, state.ItemProcessor].filter(Boolean) as Machine[]) yield* allStates(processor, true);
  }
}

export async function loadWorkflow(workflow: WorkflowDefinition, rootDir: string, options: LoadOptions = {}): Promise<LoadedWorkflow> {
  const where = `Workflow "${workflow.name}" (${workflow.aslPath})`;
  let text = await readFile(resolve(rootDir, workflow.aslPath), 'utf8');
  for (const placeholder of Object.keys(workflow.tasks)) text = text.split(`\${${placeholder}}`).join(fakeFunctionArn(placeholder));
  const unbound = [...new Set(text.match(/\$\{[^}]*\}/g) ?? [])];
  if (unbound.length) throw new Error(`${where}: no task binding for placeholder(s) ${unbound.join(', ')}`);

  const definition = JSON.parse(text) as Machine;
  const placeholderOf = new Map(Object.keys(workflow.tasks).map((p) => [fakeFunctionArn(p), p]));
  const tasks = new Map<string, BoundTask>();
  for (const [state, def, inMap] of allStates(definition)) {
    if (def.Type !== 'Task') continue;
    const resource = String(def.Resource);
    const parameters = (def.Parameters ?? {}) as Record<string, unknown>;
    const integration = resource === INVOKE || resource === INVOKE_CALLBACK ? 'invoke' : 'direct';
    const placeholder = placeholderOf.get(integration === 'invoke' ? String(parameters.FunctionName) : resource);
    if (!placeholder) {
      throw new Error(`${where}: Task "${state}" (${resource}) is not a Lambda bound in the registry; the local engine would call real AWS`);
    }
    const binding = workflow.tasks[placeholder]!;
    const callback = resource === INVOKE_CALLBACK;
    if (callback !== Boolean(binding.callback)) {
      throw new Error(`${where}: Task "${state}" ${callback ? 'waits for a task token' : 'does not wait for a task token'} but binding ${placeholder} says callback: ${Boolean(binding.callback)}`);
    }
    if (tasks.has(state)) throw new Error(`${where}: state name "${state}" is used twice`);
    const module: unknown = await import(pathToFileURL(resolve(rootDir, `${binding.handler}.ts`)).href);
    if (!isTaskModule(module)) throw new Error(`${where}: ${binding.handler} does not export run(event, deps)`);
    tasks.set(state, {
      state,
      placeholder,
      run: module.run,
      integration,
      callback,
      inMap,
      timeoutSeconds: typeof def.TimeoutSeconds === 'number' ? def.TimeoutSeconds : ASL_DEFAULT_TIMEOUT_SECONDS,
      ...(typeof def.TimeoutSecondsPath === 'string' ? { timeoutSecondsPath: def.TimeoutSecondsPath } : {}),
    });
  }
  const ceiling = options.taskTimerCeilingSeconds ?? LIBRARY_TIMEOUT_CEILING_SECONDS;
  const machine = new StateMachine(forLibrary(definition, ceiling) as unknown as StateMachineDefinition); // validates the ASL too
  const StatesTimeout = await statesTimeoutErrorClass();
  const statesTimeout = (message: string) => Object.assign(new StatesTimeout(), { message });
  return { name: workflow.name, machine, tasks, executionTimeoutSeconds: definition.TimeoutSeconds, statesTimeout };
}

/**
 * The copy the library runs: timeouts the engine enforces itself are lifted out of its way. Its own task timer
 * gets the ceiling. A TimeoutSecondsPath becomes part of Parameters, so the binding receives its value with the
 * input: the library would resolve it from the input after Parameters (Step Functions: before), only once the
 * task had started, and hand it to setTimeout, which fires after 1 ms past ~24.8 days.
 */
function forLibrary(definition: Machine, ceiling: number): Machine {
  const copy = structuredClone(definition);
  delete copy.TimeoutSeconds;
  for (const [, state] of allStates(copy)) {
    if (state.Type !== 'Task') continue;
    if (typeof state.TimeoutSecondsPath === 'string') {
      // Parameters are resolved against the input after InputPath: the path reads what Step Functions reads.
      // A path that selects nothing fails the state with States.Runtime there, as in Step Functions.
      state.Parameters = {
        ...(state.Parameters === undefined ? { [`${PATH_TIMEOUT_INPUT}.$`]: '$' } : { [PATH_TIMEOUT_INPUT]: state.Parameters }),
        [`${PATH_TIMEOUT_SECONDS}.$`]: state.TimeoutSecondsPath,
      };
      delete state.TimeoutSecondsPath;
    }
    state.TimeoutSeconds = ceiling;
  }
  return copy;
}

let statesTimeoutClass: Promise<new () => Error> | undefined;

/**
 * The library's StatesTimeoutError, which it does not export: Retry and Catch on States.TaskFailed match every
 * task error but an instance of it, as Step Functions' States.TaskFailed matches every error but States.Timeout.
 * Taken once from a probe run whose task timer fires after 1 ms.
 */
function statesTimeoutErrorClass(): Promise<new () => Error> {
  statesTimeoutClass ??= (async () => {
    const probe = new StateMachine(
      { StartAt: 'Probe', States: { Probe: { Type: 'Task', Resource: fakeFunctionArn('Probe'), TimeoutSeconds: 0.001, End: true } } } as unknown as StateMachineDefinition,
      { validationOptions: { noValidate: true } },
    );
    const never = () => new Promise<never>(() => {});
    const failure = await probe.run({}, { overrides: { taskResourceLocalHandlers: { Probe: never } } }).result.then(
      () => undefined,
      (error: unknown) => (error as { cause?: unknown }).cause,
    );
    if (!(failure instanceof Error) || failure.name !== 'States.Timeout') {
      throw new Error('aws-local-stepfunctions no longer fails a timed-out task with its States.Timeout error; the local engine cannot raise one');
    }
    return failure.constructor as new () => Error;
  })();
  return statesTimeoutClass;
}
