import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import aslValidator from 'asl-validator';
import { registry } from '#workflows/index';
import { engineTestRegistry } from '#test/workflows/engine-test.registry';
import { slaTestRegistry } from '#test/workflows/sla-test.registry';

const workflows = [...registry.workflows, ...engineTestRegistry.workflows, ...slaTestRegistry.workflows];

/** The definition as CDK deploys it: placeholders filled with Lambda ARNs (definitionSubstitutions). */
async function deployed(workflow: (typeof workflows)[number]) {
  let text = await readFile(workflow.aslPath, 'utf8');
  for (const placeholder of Object.keys(workflow.tasks)) {
    expect(text, `${workflow.aslPath} uses \${${placeholder}}`).toContain(`\${${placeholder}}`);
    text = text.split(`\${${placeholder}}`).join(`arn:aws:lambda:eu-west-1:123456789012:function:pentad-${placeholder}`);
  }
  expect(text.match(/\$\{[^}]*\}/g) ?? [], `${workflow.aslPath} has placeholders without a binding`).toEqual([]);
  return JSON.parse(text) as { States: Record<string, Record<string, unknown>>; QueryLanguage?: string };
}

describe('workflow definitions', () => {
  it.each(workflows.map((w) => [w.name, w] as const))('%s is valid Amazon States Language', async (_name, workflow) => {
    const definition = await deployed(workflow);
    const checked = structuredClone(definition); // asl-validator writes into what it checks
    const result = aslValidator(checked, { checkArn: true, checkPaths: true });
    expect(result.errorsText(), workflow.aslPath).toBe('');
    expect(result.isValid).toBe(true);

    // JSONPath only (the local engine ignores JSONata), and every Task has its SLA.
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    for (const [state, def] of Object.entries(definition.States)) {
      expect(def.QueryLanguage ?? 'JSONPath', state).toBe('JSONPath');
      if (def.Type === 'Task') expect(def.TimeoutSeconds ?? def.TimeoutSecondsPath, `${state} TimeoutSeconds`).toBeDefined();
    }
  });

  it('the validator reports a broken definition', () => {
    const broken = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Missing' } } };
    expect(aslValidator(structuredClone(broken), { checkArn: true, checkPaths: true }).isValid).toBe(false);
  });
});
