import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PentadStack } from '#infra/pentad-stack';
import { projectRoot } from '#infra/project-root';
import { engineTestRegistry } from '#test/workflows/engine-test.registry';
import { resourcesOf, synth } from './synth.ts';

const template = synth(engineTestRegistry);

describe('table', () => {
  it('is on-demand, recoverable, expiring, retained, with four ALL-projected GSIs', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: Match.objectLike({
        KeySchema: [
          { AttributeName: 'PK', KeyType: 'HASH' },
          { AttributeName: 'SK', KeyType: 'RANGE' },
        ],
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      }),
    });
    const [[, table]] = resourcesOf(template, 'AWS::DynamoDB::Table');
    const indexes = table.Properties!.GlobalSecondaryIndexes as { IndexName: string; Projection: unknown }[];
    expect(indexes.map((index) => index.IndexName)).toEqual(['GSI1', 'GSI2', 'GSI3', 'GSI4']);
    for (const index of indexes) expect(index.Projection).toEqual({ ProjectionType: 'ALL' });
  });
});

describe('Cognito', () => {
  it('is invitation-only; the username is the Pentad user id and e-mail is a sign-in alias', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      AliasAttributes: ['email'],
    });
  });

  it('has one group per role', () => {
    const groups = resourcesOf(template, 'AWS::Cognito::UserPoolGroup').map(([, group]) => group.Properties!.GroupName);
    expect(groups.sort()).toEqual(['admin', 'director', 'finance', 'manager', 'rep', 'vp']);
  });

  it('has a public code + PKCE client for the console and a hosted UI domain', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: Match.arrayWith(['openid', 'email', 'profile']),
    });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'pentad-sales' });
  });
});

describe('HTTP API', () => {
  it('checks Cognito JWTs issued for the app client', () => {
    const [[poolId]] = resourcesOf(template, 'AWS::Cognito::UserPool');
    const [[clientId]] = resourcesOf(template, 'AWS::Cognito::UserPoolClient');
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [{ Ref: clientId }],
        Issuer: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('cognito-idp'), { Ref: poolId }])] },
      },
    });
  });

  it('leaves GET /health open and puts every other route behind the JWT authorizer', () => {
    const routes = resourcesOf(template, 'AWS::ApiGatewayV2::Route').map(([, route]) => route.Properties!);
    const health = routes.filter((route) => route.RouteKey === 'GET /health');
    expect(health).toHaveLength(1);
    expect(health[0].AuthorizationType).toBe('NONE');
    const others = routes.filter((route) => route.RouteKey !== 'GET /health');
    expect(others.map((route) => route.RouteKey).sort()).toEqual(
      // The CSV imports have routes of their own for their tighter throttle (test/infra/throttling.test.ts).
      [...['DELETE', 'GET', 'PATCH', 'POST', 'PUT'].map((method) => `${method} /{proxy+}`), ...['customers', 'orders', 'uploads', 'uploads/{id}/start'].map((p) => `POST /imports/${p}`)].sort(),
    );
    for (const route of others) expect(route.AuthorizationType).toBe('JWT');
  });

  it('throttles the default stage and allows the console origin', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 200, ThrottlingRateLimit: 100 },
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.objectLike({ AllowOrigins: ['http://localhost:3000'] }),
    });
  });
});

describe('Lambda', () => {
  it('runs every function on Node 22, arm64, with one-month logs', () => {
    // Ours carry their entry module as description (CDK's own custom-resource provider does not).
    const functions = resourcesOf(template, 'AWS::Lambda::Function').filter(([, fn]) => /^(functions|test)\//.test(fn.Properties!.Description ?? ''));
    expect(functions.length).toBe(3); // the API and the two distinct engine-test task modules
    for (const [, fn] of functions) {
      expect(fn.Properties!.Runtime).toBe('nodejs22.x');
      expect(fn.Properties!.Architectures).toEqual(['arm64']);
    }
    for (const [, group] of resourcesOf(template, 'AWS::Logs::LogGroup')) {
      expect(group.Properties!.RetentionInDays).toBe(30);
    }
  });

  it('gives the API Lambda the configuration shared/core/config.ts reads', () => {
    const [[, api]] = resourcesOf(template, 'AWS::Lambda::Function').filter(
      ([, fn]) => fn.Properties!.Description === 'functions/api/handler',
    );
    expect(api.Properties!.MemorySize).toBe(1024);
    expect(api.Properties!.Timeout).toBe(10);
    const variables = api.Properties!.Environment.Variables;
    expect(Object.keys(variables).sort()).toEqual(
      ['NODE_OPTIONS', 'STAGE', 'STATE_MACHINE_ARN_PREFIX', 'TABLE_NAME', 'TOKEN_AUDIENCE', 'TOKEN_ISSUER', 'UPLOAD_BUCKET', 'USER_POOL_ID'],
    );
    expect(variables.STAGE).toBe('aws');
    const prefix = JSON.stringify(variables.STATE_MACHINE_ARN_PREFIX);
    expect(prefix).toContain(':stateMachine:');
  });

  it('lets the API start the registry workflows by name, resume human steps and manage accounts', () => {
    const [[, api]] = resourcesOf(template, 'AWS::Lambda::Function').filter(
      ([, fn]) => fn.Properties!.Description === 'functions/api/handler',
    );
    const [roleId] = api.Properties!.Role['Fn::GetAtt'];
    const statements = resourcesOf(template, 'AWS::IAM::Policy')
      .filter(([, policy]) => JSON.stringify(policy.Properties!.Roles) === JSON.stringify([{ Ref: roleId }]))
      .flatMap(([, policy]) => policy.Properties!.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const grantOf = (action: string) => statements.find((statement) => [statement.Action].flat().includes(action));
    expect(grantOf('states:SendTaskSuccess')?.Resource).toBe('*'); // task tokens are not IAM resources
    expect(grantOf('states:SendTaskFailure')?.Resource).toBe('*');
    // STATE_MACHINE_ARN_PREFIX + registry name, the ARN the workflow-engine adapter builds.
    expect(JSON.stringify(grantOf('states:StartExecution')?.Resource)).toMatch(/:stateMachine:engine-test"\]\]\}$/);
    expect(JSON.stringify(grantOf('states:DescribeExecution')?.Resource)).toMatch(/:execution:engine-test:\*"\]\]\}$/);
    // Account administration, on this pool only.
    const [[poolId]] = resourcesOf(template, 'AWS::Cognito::UserPool');
    expect(grantOf('cognito-idp:AdminAddUserToGroup')?.Resource).toEqual({ 'Fn::GetAtt': [poolId, 'Arn'] });
  });
});

describe('alarms and outputs', () => {
  it('alarms on API 5xx and failed executions, notifying the alarm topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      AlarmActions: [{ Ref: Match.anyValue() }],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/States',
      MetricName: 'ExecutionsFailed',
      AlarmActions: [{ Ref: Match.anyValue() }],
    });
  });

  it('outputs what a deployer and the console need', () => {
    const outputs = Object.keys(template.toJSON().Outputs);
    expect(outputs).toEqual(expect.arrayContaining(['ApiUrl', 'UserPoolId', 'UserPoolClientId', 'TableName']));
  });
});

describe('full synth', () => {
  // The one synth that runs esbuild and CloudFormation validation, as `npm run synth` does (product registry:
  // the API entry plus any product task modules), so the fast path above hides nothing. Inside the project
  // (test/artifacts is ignored) so the bundle's external @aws-sdk imports resolve when it is loaded below.
  let outdir: string;
  beforeAll(() => {
    const artifacts = join(projectRoot, 'test/artifacts');
    mkdirSync(artifacts, { recursive: true });
    outdir = mkdtempSync(join(artifacts, 'synth-'));
  });
  afterAll(() => rmSync(outdir, { recursive: true, force: true }));

  it('bundles the API entry as ESM with a require shim and a source map that loads, and validates', () => {
    const app = new App({ outdir, analyticsReporting: false });
    const stack = new PentadStack(app, 'Bundled');
    app.synth();

    const [[, api]] = resourcesOf(Template.fromStack(stack), 'AWS::Lambda::Function').filter(
      ([, fn]) => fn.Properties!.Description === 'functions/api/handler',
    );
    const assetDir = join(outdir, `asset.${String(api.Properties!.Code.S3Key).replace(/\.zip$/, '')}`);
    expect(readdirSync(assetDir).sort()).toEqual(['index.mjs', 'index.mjs.map']);
    const code = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire } from 'module'; const require = createRequire(import.meta.url);")).toBe(true);

    // What the Lambda runtime does first: load the module (aliases resolved, ESM valid) with the stack's
    // variables. A plain node child, not import(): vitest would transform 500 kB of bundle for seconds.
    const load = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', 'const m = await import(process.argv[1]); console.log(typeof m.handler);', pathToFileURL(join(assetDir, 'index.mjs')).href],
      {
        encoding: 'utf8',
        env: {
          PATH: process.env.PATH,
          STAGE: 'aws',
          TABLE_NAME: 'pentad-test',
          TOKEN_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_test',
          TOKEN_AUDIENCE: 'test-client',
          STATE_MACHINE_ARN_PREFIX: 'arn:aws:states:eu-west-1:123456789012:stateMachine:',
          USER_POOL_ID: 'eu-west-1_test',
          UPLOAD_BUCKET: 'pentad-uploads-test',
          AWS_REGION: 'eu-west-1',
        },
      },
    );
    expect(load.status, load.stderr).toBe(0);
    expect(load.stdout.trim()).toBe('function');

    const report = JSON.parse(readFileSync(join(outdir, 'validation-report.json'), 'utf8'));
    const violations = report.pluginReports.flatMap((plugin: { violations?: unknown[] }) => plugin.violations ?? []);
    expect(violations).toEqual([]);
  }, 180_000);
});
