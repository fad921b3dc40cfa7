/**
 * Loads a registry workflow for the local engine: reads its ASL file, fills the `${…FunctionArn}` placeholders,
 * finds the binding of every Task state and imports its `run`, failing fast on anything that would otherwise
 * reach for real AWS. The definition handed to aws-local-stepfunctions is an in-memory copy with timeouts the
 * engine enforces itself (see `forLibrary`); the file on disk stays the real ASL that CDK deploys.
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
  /** The state's TimeoutSeconds; ASL's default (99999999) when absent. */
  timeoutSeconds: number;
}

export interface LoadedWorkflow {
  name: string;
  machine: StateMachine;
  tasks: Map<string, BoundTask>;
  /** Top-level TimeoutSeconds, enforced by the engine from the persisted start time. */
  executionTimeoutSeconds?: number;
}

const INVOKE = 'arn:aws:states:::lambda:invoke';
const INVOKE_CALLBACK = 'arn:aws:states:::lambda:invoke.waitForTaskToken';
const ASL_DEFAULT_TIMEOUT_SECONDS = 99_999_999;
/**
 * The library races every Task against setTimeout(TimeoutSeconds), defaulting to 60 s, and Node turns a delay
 * above 2^31-1 ms (~24.8 days) into 1 ms. Callback tasks get this ceiling instead and the binding enforces the
 * persisted deadline; a wait that outlives it in one process is re-armed by replaying (task-bindings.ts).
 */
export const LIBRARY_TIMEOUT_CEILING_SECONDS = 2_000_000;

export interface LoadOptions {
  /** Overrides LIBRARY_TIMEOUT_CEILING_SECONDS (tests prove the re-arm with a small one). */
  taskTimerCeilingSeconds?: number;
}

export const fakeFunctionArn = (placeholder: string) => `arn:aws:lambda:local:000000000000:function:${placeholder}`;

type State = Record<string, unknown> & { Type: string };
type Machine = { States: Record<string, State>; TimeoutSeconds?: number };

/** Every state of a machine, nested Parallel branches and Map processors included. */
function* allStates(machine: Machine): Generator<[string, State]> {
  for (const [name, state] of Object.entries(machine.States)) {
    yield [name, state];
    const nested = [...((state.Branches as Machine[]) ?? []), state.Iterator, state.ItemProcessor].filter(Boolean) as Machine[];
    for (const child of nested) yield* allStates(child);
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
  for (const [state, def] of allStates(definition)) {
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
    if (callback && def.TimeoutSecondsPath !== undefined) throw new Error(`${where}: Task "${state}": TimeoutSecondsPath is not supported on callback tasks locally`);
    if (tasks.has(state)) throw new Error(`${where}: state name "${state}" is used twice`);
    const module: unknown = await import(pathToFileURL(resolve(rootDir, `${binding.handler}.ts`)).href);
    if (!isTaskModule(module)) throw new Error(`${where}: ${binding.handler} does not export run(event, deps)`);
    tasks.set(state, {
      state,
      placeholder,
      run: module.run,
      integration,
      callback,
      timeoutSeconds: typeof def.TimeoutSeconds === 'number' ? def.TimeoutSeconds : ASL_DEFAULT_TIMEOUT_SECONDS,
    });
  }
  const ceiling = options.taskTimerCeilingSeconds ?? LIBRARY_TIMEOUT_CEILING_SECONDS;
  const machine = new StateMachine(forLibrary(definition, ceiling) as unknown as StateMachineDefinition); // validates the ASL too
  return { name: workflow.name, machine, tasks, executionTimeoutSeconds: definition.TimeoutSeconds };
}

/** The copy the library runs: timeouts the engine enforces from persisted times are lifted out of its way. */
function forLibrary(definition: Machine, ceiling: number): Machine {
  const copy = structuredClone(definition);
  delete copy.TimeoutSeconds;
  for (const [, state] of allStates(copy)) {
    if (state.Type !== 'Task') continue;
    if (state.Resource === INVOKE_CALLBACK) state.TimeoutSeconds = ceiling;
    else if (state.TimeoutSecondsPath === undefined) {
      // ASL's default is 99999999 s, not the library's 60 s; either way within what setTimeout can hold.
      state.TimeoutSeconds = Math.min(Number(state.TimeoutSeconds ?? Infinity), ceiling);
    }
  }
  return copy;
}
