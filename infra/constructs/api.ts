import { Aws, Duration } from 'aws-cdk-lib';
import { CfnStage, CorsHttpMethod, HttpApi, HttpMethod, HttpNoneAuthorizer, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData, type IAlarmAction } from 'aws-cdk-lib/aws-cloudwatch';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { pentadFunction } from '#infra/constructs/function';

export interface ApiProps {
  table: ITable;
  /** Admins manage accounts through the API (shared/core/cognito-directory.ts). */
  userPool: IUserPool;
  issuer: string;
  audience: string;
  /** Environment shared with the task Lambdas (TABLE_NAME, TOKEN_*, STATE_MACHINE_ARN_PREFIX, …). */
  environment: Record<string, string>;
  /** ARN prefix + registry names: built from names, not machine references, so grants add no dependency cycle. */
  stateMachineArnPrefix: string;
  workflowNames: string[];
  corsOrigins: string[];
  bundle: boolean;
  alarmAction: IAlarmAction;
}

/** Methods the Hono app serves; OPTIONS is left out so API Gateway answers CORS preflights without the authorizer. */
const appMethods = [HttpMethod.GET, HttpMethod.POST, HttpMethod.PUT, HttpMethod.PATCH, HttpMethod.DELETE];

/**
 * Request limits. Lambda containers share no memory, so the local stack's per-user token bucket cannot work here:
 * API Gateway throttles the stage (all callers together) and, tighter, the CSV imports — each upload is up to
 * thousands of rows of writes, so a handful per second is plenty. Over a limit API Gateway answers 429.
 */
export const THROTTLE = {
  stage: { rateLimit: 100, burstLimit: 200 },
  imports: { rateLimit: 2, burstLimit: 5 },
};
/** Every POST that starts an import (CSV in the body, or a signed upload and its start): own routes, own limit. */
export const IMPORT_ROUTES = ['/imports/customers', '/imports/orders', '/imports/uploads', '/imports/uploads/{id}/start'];

/** The HTTP API: Cognito JWT on every route but GET /health, one Lambda running the Hono app behind it. */
export class Api extends Construct {
  readonly httpApi: HttpApi;
  readonly stage: HttpStage;
  readonly handler: IFunction;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    this.handler = pentadFunction(this, 'Handler', {
      module: 'functions/api/handler',
      environment: props.environment,
      bundle: props.bundle,
    });
    props.table.grantReadWriteData(this.handler);
    // Exactly the calls CognitoDirectory makes: user records drive accounts and group (role) membership.
    props.userPool.grant(
      this.handler,
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminUpdateUserAttributes',
      'cognito-idp:AdminListGroupsForUser',
      'cognito-idp:AdminAddUserToGroup',
      'cognito-idp:AdminRemoveUserFromGroup',
      'cognito-idp:AdminEnableUser',
      'cognito-idp:AdminDisableUser',
    );
    this.grantWorkflows(props);

    this.httpApi = new HttpApi(this, 'HttpApi', {
      description: 'Pentad API',
      createDefaultStage: false,
      defaultAuthorizer: new HttpJwtAuthorizer('Cognito', props.issuer, { jwtAudience: [props.audience] }),
      corsPreflight: {
        allowOrigins: props.corsOrigins,
        allowMethods: [CorsHttpMethod.ANY],
        allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'if-match'],
        exposeHeaders: ['etag', 'location'],
        maxAge: Duration.hours(1),
      },
    });
    // The default stage is declared here because HttpApi's own default stage takes no throttle settings.
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: THROTTLE.stage,
    });

    const integration = new HttpLambdaIntegration('Hono', this.handler);
    // Load balancers and uptime checks call /health without a token.
    this.httpApi.addRoutes({ path: '/health', methods: [HttpMethod.GET], integration, authorizer: new HttpNoneAuthorizer() });
    this.httpApi.addRoutes({ path: '/{proxy+}', methods: appMethods, integration });
    const imports = IMPORT_ROUTES.flatMap((path) => this.httpApi.addRoutes({ path, methods: [HttpMethod.POST], integration }));
    // RouteSettings is raw JSON (CloudFormation names); it names route keys, which must exist before the stage.
    const stage = this.stage.node.defaultChild as CfnStage;
    stage.routeSettings = Object.fromEntries(
      IMPORT_ROUTES.map((path) => [`POST ${path}`, { ThrottlingRateLimit: THROTTLE.imports.rateLimit, ThrottlingBurstLimit: THROTTLE.imports.burstLimit }]),
    );
    for (const route of imports) stage.node.addDependency(route);

    new Alarm(this, 'ServerErrors', {
      alarmDescription: 'Pentad API answered 5xx',
      metric: this.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 5,
      evaluationPeriods: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    }).addAlarmAction(props.alarmAction);
  }

  /** Services start workflows and resume human steps (the StepFunctions workflow-engine adapter). */
  private grantWorkflows(props: ApiProps): void {
    // Task tokens are not resources: SendTask* can only be granted on '*'.
    this.handler.addToRolePolicy(
      new PolicyStatement({ actions: ['states:SendTaskSuccess', 'states:SendTaskFailure'], resources: ['*'] }),
    );
    if (props.workflowNames.length === 0) return;
    this.handler.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:StartExecution'],
        resources: props.workflowNames.map((name) => `${props.stateMachineArnPrefix}${name}`),
      }),
    );
    this.handler.addToRolePolicy(
      new PolicyStatement({
        actions: ['states:DescribeExecution'],
        resources: props.workflowNames.map(
          (name) => `arn:${Aws.PARTITION}:states:${Aws.REGION}:${Aws.ACCOUNT_ID}:execution:${name}:*`,
        ),
      }),
    );
  }
}
