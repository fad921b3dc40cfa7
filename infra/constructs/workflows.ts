import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Aws, Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { EventField, Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { SfnStateMachine } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { DefinitionBody, LogLevel, StateMachine, StateMachineType } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { projectRoot } from '#infra/project-root';
import { toEventBridgeCron } from '#workflows/schedule-expression';
import type { ScheduleDefinition, WorkflowDefinition, WorkflowRegistry } from '#workflows/index';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { pentadFunction } from '#infra/constructs/function';

export interface WorkflowsProps {
  registry: WorkflowRegistry;
  table: ITable;
  /** Environment every task Lambda gets (TABLE_NAME, STATE_MACHINE_ARN_PREFIX, …). */
  environment: Record<string, string>;
  bundle: boolean;
  alarmAction: IAlarmAction;
}

/** `${Name}` placeholders in an ASL file: each must be bound to a task in the registry. */
export function placeholders(asl: string): string[] {
  return [...new Set([...asl.matchAll(/\$\{([A-Za-z0-9_]+)\}/g)].map((match) => match[1]))];
}

/** Construct id for a handler module: stable, so a function keeps its logical id while the registry grows. */
const taskId = (module: string) => `Task-${module.replace(/[^A-Za-z0-9]+/g, '-')}`;

/** One Standard state machine per registry workflow, its task Lambdas, failure alarms and schedules. */
export class Workflows extends Construct {
  readonly machines = new Map<string, StateMachine>();
  readonly functions = new Map<string, IFunction>();

  constructor(scope: Construct, id: string, private readonly props: WorkflowsProps) {
    super(scope, id);
    for (const workflow of props.registry.workflows) this.addWorkflow(workflow);
    for (const schedule of props.registry.schedules) this.addSchedule(schedule);
  }

  /** Several placeholders (or workflows) may share a module: one Lambda per distinct module. */
  private taskFunction(module: string): IFunction {
    const existing = this.functions.get(module);
    if (existing) return existing;
    const fn = pentadFunction(this, taskId(module), {
      module,
      environment: this.props.environment,
      bundle: this.props.bundle,
      timeout: Duration.seconds(30),
    });
    this.props.table.grantReadWriteData(fn);
    // Tasks may start other workflows (the daily care run opens churn recoveries) through the engine port.
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:StartExecution', 'states:DescribeExecution'],
        resources: [`${this.props.environment.STATE_MACHINE_ARN_PREFIX}*`, `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:execution:*`],
      }),
    );
    this.functions.set(module, fn);
    return fn;
  }

  private addWorkflow(workflow: WorkflowDefinition): void {
    const asl = readFileSync(join(projectRoot, workflow.aslPath), 'utf8');
    const unbound = placeholders(asl).filter((name) => !workflow.tasks[name]);
    // A placeholder left in the definition only fails at deploy time; fail the synth instead.
    if (unbound.length > 0) throw new Error(`${workflow.name}: no task binding for ${unbound.join(', ')}`);

    const definitionSubstitutions: Record<string, string> = {};
    const invoked = new Set<IFunction>();
    for (const [placeholder, binding] of Object.entries(workflow.tasks)) {
      const fn = this.taskFunction(binding.handler);
      definitionSubstitutions[placeholder] = fn.functionArn;
      invoked.add(fn);
      // A callback task may end its own wait at once (the review's assessment arrived before the wait began).
      if (binding.callback) {
        fn.addToRolePolicy(new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: [`${this.props.environment.STATE_MACHINE_ARN_PREFIX}${workflow.name}`] }));
      }
    }

    const machine = new StateMachine(this, workflow.name, {
      // The registry name is the machine name, so STATE_MACHINE_ARN_PREFIX + name is its ARN.
      stateMachineName: workflow.name,
      stateMachineType: StateMachineType.STANDARD,
      // fromString keeps the definition inline in the template (fromFile would make an S3 asset).
      definitionBody: DefinitionBody.fromString(asl),
      definitionSubstitutions,
      tracingEnabled: true,
      logs: {
        destination: new LogGroup(this, `${workflow.name}-Logs`, { retention: RetentionDays.ONE_MONTH }),
        level: LogLevel.ALL,
        // Execution data holds customer and deal details; the execution history already shows them to operators.
        includeExecutionData: false,
      },
    });
    for (const fn of invoked) fn.grantInvoke(machine);
    // A distributed Map runs its items as child executions of the same state machine.
    if (asl.includes('"DISTRIBUTED"')) {
      const arn = `${this.props.environment.STATE_MACHINE_ARN_PREFIX}${workflow.name}`;
      machine.addToRolePolicy(new PolicyStatement({ actions: ['states:StartExecution'], resources: [arn] }));
      machine.addToRolePolicy(
        new PolicyStatement({ actions: ['states:DescribeExecution', 'states:StopExecution'], resources: [`arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:execution:${workflow.name}/*`] }),
      );
    }
    this.machines.set(workflow.name, machine);

    new Alarm(this, `${workflow.name}-Failed`, {
      alarmDescription: `${workflow.name} executions failed`,
      metric: machine.metricFailed({ period: Duration.minutes(5) }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(this.props.alarmAction);
  }

  private addSchedule(schedule: ScheduleDefinition): void {
    const machine = this.machines.get(schedule.workflow);
    if (!machine) throw new Error(`Schedule ${schedule.name} starts unknown workflow ${schedule.workflow}`);
    new Rule(this, `Schedule-${schedule.name}`, {
      description: schedule.description,
      schedule: Schedule.expression(toEventBridgeCron(schedule.cron)),
      targets: [new SfnStateMachine(machine, { input: RuleTargetInput.fromObject(withFiringTime(schedule.input)) })],
    });
  }
}

/**
 * `{{scheduledAt}}` becomes the scheduled event's `time` (ISO-8601, the minute the rule fired) through an
 * input transformer, the same value croner gives the local scheduler.
 */
function withFiringTime(value: unknown): unknown {
  if (typeof value === 'string') return value.split('{{scheduledAt}}').join(EventField.time);
  if (Array.isArray(value)) return value.map(withFiringTime);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, withFiringTime(inner)]));
  }
  return value;
}
