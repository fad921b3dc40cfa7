import { describe, expect, it } from 'vitest';
import { resourcesOf, synth } from './synth.ts';

describe('task Lambdas', () => {
  it('may start workflows through the engine port (the daily care run opens churn recoveries)', () => {
    const template = synth();
    const policies = resourcesOf(template, 'AWS::IAM::Policy').filter(([id]) => id.includes('Task'));
    expect(policies.length).toBeGreaterThan(0);
    for (const [, policy] of policies) {
      const actions = policy.Properties!.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat());
      expect(actions).toContain('states:StartExecution');
    }
    const machines = resourcesOf(template, 'AWS::StepFunctions::StateMachine').map(([, m]) => m.Properties!.StateMachineName);
    expect(machines.sort()).toEqual(['approval', 'churn-recovery', 'csv-import', 'daily-customer-care', 'daily-goal-pace', 'performance-review']);
    const [[, rule]] = resourcesOf(template, 'AWS::Events::Rule');
    expect(rule!.Properties!.ScheduleExpression).toBe('cron(0 1 * * ? *)');
    const schedules = resourcesOf(template, 'AWS::Events::Rule').map(([, r]) => r.Properties!.ScheduleExpression);
    expect(schedules).toContain('cron(30 1 * * ? *)');
    // The performance reviews: monthly on the 1st, quarterly on the 1st of January, April, July and October.
    expect(schedules).toEqual(expect.arrayContaining(['cron(0 2 1 * ? *)', 'cron(0 3 1 1,4,7,10 ? *)']));
  });

  it('lets a callback task end its own wait (SendTaskSuccess on its own machine)', () => {
    const template = synth();
    const statements = resourcesOf(template, 'AWS::IAM::Policy').flatMap(([, p]) => p.Properties!.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const send = statements.filter((s) => [s.Action].flat().includes('states:SendTaskSuccess'));
    expect(JSON.stringify(send.map((s) => s.Resource))).toContain('performance-review');
  });

  it('lets the performance review start its distributed Map’s child executions', () => {
    const template = synth();
    const roles = resourcesOf(template, 'AWS::IAM::Policy').filter(([id]) => id.includes('performancereview') || id.includes('performance'));
    const actions = roles.flatMap(([, p]) => (p.Properties!.PolicyDocument.Statement as { Action: string | string[] }[]).flatMap((s) => [s.Action].flat()));
    expect(actions).toEqual(expect.arrayContaining(['states:StartExecution', 'states:DescribeExecution', 'states:StopExecution']));
  });
});
