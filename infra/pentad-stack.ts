import { Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { registry as productRegistry, type WorkflowRegistry } from '#workflows/index';
import { Api } from '#infra/constructs/api';
import { Auth } from '#infra/constructs/auth';
import { Data } from '#infra/constructs/data';
import { Workflows } from '#infra/constructs/workflows';
import { BootstrapAdmin } from '#infra/constructs/bootstrap-admin';
import { Console } from '#infra/constructs/console';
import { Uploads } from '#infra/constructs/uploads';

export interface PentadStackProps extends StackProps {
  /** Workflows, task bindings and schedules to deploy; tests pass the engine-test registry. */
  registry?: WorkflowRegistry;
  /**
   * false replaces every esbuild bundle with an inline stub. Template tests use it: bundling is the slow part
   * of a synth (seconds per function) and tells them nothing about the template. What they give up is the proof
   * that the entries bundle; `npm run synth` (bundle: true, always) keeps that proof.
   */
  bundle?: boolean;
  /** Hosted UI domain prefix (context `domainPrefix`). */
  domainPrefix?: string;
  /** Where the console runs (context `consoleUrl`): OAuth callback and the one CORS origin. */
  consoleUrl?: string;
  /** Where Cognito sends the bootstrap admin's temporary password (context `adminEmail`). */
  adminEmail?: string;
}

/** Pentad in one region: table, Cognito, HTTP API, workflows, schedules and their alarms. */
export class PentadStack extends Stack {
  constructor(scope: Construct, id: string, props: PentadStackProps = {}) {
    super(scope, id, props);
    const registry = props.registry ?? productRegistry;
    const bundle = props.bundle ?? true;
    const consoleUrl = new URL(props.consoleUrl ?? 'http://localhost:3000');

    const alarms = new Topic(this, 'Alarms', { displayName: 'Pentad alarms' });
    const alarmAction = new SnsAction(alarms);
    const { table } = new Data(this, 'Data');
    const auth = new Auth(this, 'Auth', {
      domainPrefix: props.domainPrefix ?? 'pentad-sales',
      callbackUrls: [consoleUrl.href],
    });

    const bootstrap = new BootstrapAdmin(this, 'BootstrapAdmin', { table, userPool: auth.userPool, email: props.adminEmail ?? 'admin@pentad.example' });
    bootstrap.node.addDependency(auth);

    // Names the machines by registry name (Workflows does), so the services can build any ARN from a name.
    const stateMachineArnPrefix = `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:stateMachine:`;
    const environment = {
      STAGE: 'aws',
      TABLE_NAME: table.tableName,
      TOKEN_ISSUER: auth.issuer,
      TOKEN_AUDIENCE: auth.client.userPoolClientId,
      STATE_MACHINE_ARN_PREFIX: stateMachineArnPrefix,
      USER_POOL_ID: auth.userPool.userPoolId,
    };
    const uploads = new Uploads(this, 'Uploads', { corsOrigins: [consoleUrl.origin] });

    new Workflows(this, 'Workflows', { registry, table, environment, bundle, alarmAction });
    const api = new Api(this, 'Api', {
      table,
      userPool: auth.userPool,
      issuer: auth.issuer,
      audience: auth.client.userPoolClientId,
      environment: { ...environment, UPLOAD_BUCKET: uploads.bucket.bucketName },
      stateMachineArnPrefix,
      workflowNames: registry.workflows.map((workflow) => workflow.name),
      corsOrigins: [consoleUrl.origin],
      bundle,
      alarmAction,
    });
    // Presigning a PUT needs PutObject; starting the import reads (HEAD, GET) and deletes the file.
    uploads.bucket.grantReadWrite(api.handler);

    // The web console: the same static files as `npm start` serves at /, on S3 + CloudFront, calling the API cross-origin.
    const webConsole = new Console(this, 'Console', {
      apiUrl: api.stage.url,
      hostedUiDomain: `https://${props.domainPrefix ?? 'pentad-sales'}.auth.${Aws.REGION}.amazoncognito.com`,
      clientId: auth.client.userPoolClientId,
      redirectUri: consoleUrl.href,
      bundle,
    });

    new CfnOutput(this, 'ConsoleUrl', { value: `https://${webConsole.distribution.distributionDomainName}`, description: 'Deploy again with -c consoleUrl=<this URL> (sign-in callback and CORS origin)' });
    new CfnOutput(this, 'ApiUrl', { value: api.stage.url });
    new CfnOutput(this, 'UserPoolId', { value: auth.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: auth.client.userPoolClientId });
    new CfnOutput(this, 'TableName', { value: table.tableName });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topicArn });
  }
}
