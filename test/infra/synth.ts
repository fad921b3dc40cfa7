import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { PentadStack } from '#infra/pentad-stack';
import type { WorkflowRegistry } from '#workflows/index';

/**
 * Template tests synthesize without bundling (see PentadStackProps.bundle) and without CDK's built-in
 * CloudFormation schema validation: esbuild costs up to seconds per function and loading the schemas ~5 s per
 * test process, and neither says anything about what these tests assert. The one full synth in stack.test.ts
 * (bundled, validated — what `npm run synth` does) keeps both proofs.
 */
export function synth(registry?: WorkflowRegistry): Template {
  const app = new App({ analyticsReporting: false, builtinCloudFormationValidation: false });
  const stack = new PentadStack(app, 'Test', { registry, bundle: false });
  return Template.fromStack(stack);
}

type Resources = Record<string, { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string }>;

/** [logicalId, resource] pairs of one type, for assertions Template.findResources makes awkward. */
export function resourcesOf(template: Template, type: string): [string, Resources[string]][] {
  return Object.entries(template.toJSON().Resources as Resources).filter(([, resource]) => resource.Type === type);
}
