import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { CfnUserPoolGroup, OAuthScope, UserPool, UserPoolClient, AccountRecovery } from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { ROLES } from '#shared/core/principal';

export interface AuthProps {
  /** Hosted UI domain prefix; globally unique per region, so it comes from context in real deployments. */
  domainPrefix: string;
  /** Where the console sends users back after the hosted UI (authorization code + PKCE). */
  callbackUrls: string[];
}

export class Auth extends Construct {
  readonly userPool: UserPool;
  readonly client: UserPoolClient;
  /** The JWT issuer the HTTP API authorizer and the API Lambda both check. */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: AuthProps) {
    super(scope, id);
    this.userPool = new UserPool(this, 'UserPool', {
      // Admins invite sales people; nobody signs themselves up into a company's pipeline.
      selfSignUpEnabled: false,
      // The username is the Pentad user id (the token's `username` claim); people may also sign in by e-mail.
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      passwordPolicy: { minLength: 12, requireSymbols: false },
      // Users and their roles outlive a stack replacement, like the table.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // A user's Cognito groups are their roles (cognito:groups in the access token).
    for (const role of ROLES) {
      new CfnUserPoolGroup(this, `Group-${role}`, {
        userPoolId: this.userPool.userPoolId,
        groupName: role,
        description: `Pentad role: ${role}`,
      });
    }
    this.client = this.userPool.addClient('ConsoleClient', {
      // A browser console cannot keep a secret: public client, code flow with PKCE.
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.EMAIL, OAuthScope.PROFILE],
        callbackUrls: props.callbackUrls,
        logoutUrls: props.callbackUrls,
      },
      preventUserExistenceErrors: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
    });
    this.userPool.addDomain('HostedUi', { cognitoDomain: { domainPrefix: props.domainPrefix } });
    this.issuer = `https://cognito-idp.${Stack.of(this).region}.amazonaws.com/${this.userPool.userPoolId}`;
  }
}
