import { App } from 'aws-cdk-lib';
import { PentadStack } from '#infra/pentad-stack';

const app = new App();
const context = (key: string): string | undefined => app.node.tryGetContext(key) ?? undefined;

// No env: the stack is environment-agnostic, so synth needs no credentials and does no account lookups.
new PentadStack(app, 'Pentad', {
  description: 'Pentad sales management platform',
  domainPrefix: context('domainPrefix'),
  consoleUrl: context('consoleUrl'),
  adminEmail: context('adminEmail'),
});
