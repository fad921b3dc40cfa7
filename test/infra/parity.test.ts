import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { placeholders } from '#infra/constructs/workflows';
import { projectRoot } from '#infra/project-root';
import { createTableInput } from '#shared/core/table';
import { registry } from '#workflows/index';
import { toEventBridgeCron } from '#workflows/schedule-expression';
import { engineTestRegistry } from '#test/workflows/engine-test.registry';
import { resourcesOf, synth } from './synth.ts';

const template = synth(engineTestRegistry);
const byAttribute = (a: { AttributeName: string }, b: { AttributeName: string }) => a.AttributeName.localeCompare(b.AttributeName);

describe('table ≡ shared table definition', () => {
  it('has exactly the key schema, attributes and GSIs DynamoDB Local is created with', () => {
    const expected = createTableInput('unused');
    const [[, table]] = resourcesOf(template, 'AWS::DynamoDB::Table');
    const props = table.Properties!;
    expect(props.KeySchema).toEqual(expected.KeySchema);
    expect([...props.AttributeDefinitions].sort(byAttribute)).toEqual([...expected.AttributeDefinitions].sort(byAttribute));
    expect(props.GlobalSecondaryIndexes).toEqual(expected.GlobalSecondaryIndexes);
    expect(props.BillingMode).toBe(expected.BillingMode);
  });
});

describe('state machines ≡ workflow registry (engine-test registry)', () => {
  const machines = resourcesOf(template, 'AWS::StepFunctions::StateMachine');
  const functions = new Map(resourcesOf(template, 'AWS::Lambda::Function'));

  it('deploys one Standard machine per workflow, named as the registry names it', () => {
    expect(machines.map(([, machine]) => machine.Properties!.StateMachineName).sort()).toEqual(
      engineTestRegistry.workflows.map((workflow) => workflow.name).sort(),
    );
  });

  for (const workflow of engineTestRegistry.workflows) {
    it(`${workflow.name}: runs the ASL file with every placeholder bound to its task module`, () => {
      const [, machine] = machines.find(([, m]) => m.Properties!.StateMachineName === workflow.name)!;
      const props = machine.Properties!;
      expect(props.StateMachineType).toBe('STANDARD');
      expect(props.TracingConfiguration).toEqual({ Enabled: true });
      const definition = props.DefinitionString as string;
      expect(JSON.parse(definition)).toEqual(JSON.parse(readFileSync(join(projectRoot, workflow.aslPath), 'utf8')));

      const used = placeholders(definition);
      expect(used.length).toBeGreaterThan(0);
      expect(Object.keys(props.DefinitionSubstitutions).sort()).toEqual(used.sort());
      for (const name of used) {
        const [logicalId, attribute] = props.DefinitionSubstitutions[name]['Fn::GetAtt'];
        expect(attribute).toBe('Arn');
        // The function's description is the module it bundles (infra/constructs/function.ts).
        expect(functions.get(logicalId)?.Properties!.Description).toBe(workflow.tasks[name].handler);
      }
    });
  }

  it('starts each scheduled workflow with its cron', () => {
    const rules = resourcesOf(template, 'AWS::Events::Rule');
    expect(rules).toHaveLength(engineTestRegistry.schedules.length);
    for (const schedule of engineTestRegistry.schedules) {
      const [machineId] = machines.find(([, m]) => m.Properties!.StateMachineName === schedule.workflow)!;
      const [, rule] = rules.find(([, r]) => r.Properties!.Description === schedule.description)!;
      expect(rule.Properties!.ScheduleExpression).toBe(toEventBridgeCron(schedule.cron));
      const [target] = rule.Properties!.Targets;
      expect(target.Arn).toEqual({ Ref: machineId });
    }
  });

  it('fires engine-test-nightly at 02:00 UTC with the event time as scheduledAt', () => {
    const [[, rule]] = resourcesOf(template, 'AWS::Events::Rule');
    expect(rule.Properties!.ScheduleExpression).toBe('cron(0 2 * * ? *)');
    const [target] = rule.Properties!.Targets;
    expect(target.InputTransformer.InputPathsMap).toEqual({ time: '$.time' });
    expect(target.InputTransformer.InputTemplate).toBe('{"score":10,"scheduledAt":<time>}');
  });
});

describe('product registry', () => {
  it('synthesizes with one machine per workflow and one rule per schedule', () => {
    const product = synth(registry);
    expect(resourcesOf(product, 'AWS::StepFunctions::StateMachine')).toHaveLength(registry.workflows.length);
    expect(resourcesOf(product, 'AWS::Events::Rule')).toHaveLength(registry.schedules.length);
  });
});
