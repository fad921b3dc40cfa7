import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import { marshall } from '@aws-sdk/util-dynamodb';
import { Construct } from 'constructs';
import { BOOTSTRAP_ADMIN, bootstrapAdminItem, bootstrapAdminRoleItem } from '#shared/org/bootstrap';

export interface BootstrapAdminProps {
  table: ITable;
  userPool: IUserPool;
  /** Where Cognito sends the admin's temporary password (context `adminEmail`). */
  email: string;
}

/**
 * On first deploy: the `admin` user record in the table and its Cognito account in the admin group, as the
 * local stack seeds it. Written only if absent, so later edits to the admin survive redeploys.
 */
export class BootstrapAdmin extends Construct {
  constructor(scope: Construct, id: string, props: BootstrapAdminProps) {
    super(scope, id);
    const item = bootstrapAdminItem('1970-01-01T00:00:00.000Z', props.email);
    const record = new AwsCustomResource(this, 'Record', {
      onCreate: {
        service: 'DynamoDB',
        action: 'putItem',
        parameters: { TableName: props.table.tableName, Item: marshall(item), ConditionExpression: 'attribute_not_exists(PK)' },
        physicalResourceId: PhysicalResourceId.of('pentad-bootstrap-admin-record'),
        ignoreErrorCodesMatching: 'ConditionalCheckFailed',
      },
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [props.table.tableArn] }),
      installLatestAwsSdk: false,
    });
    // Its role membership, so approver resolution finds the admin (e.g. a vp's own target revision).
    new AwsCustomResource(this, 'RoleMember', {
      onCreate: {
        service: 'DynamoDB',
        action: 'putItem',
        parameters: { TableName: props.table.tableName, Item: marshall(bootstrapAdminRoleItem()), ConditionExpression: 'attribute_not_exists(PK)' },
        physicalResourceId: PhysicalResourceId.of('pentad-bootstrap-admin-role'),
        ignoreErrorCodesMatching: 'ConditionalCheckFailed',
      },
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [props.table.tableArn] }),
      installLatestAwsSdk: false,
    });
    const account = new AwsCustomResource(this, 'Account', {
      onCreate: {
        service: 'CognitoIdentityServiceProvider',
        action: 'adminCreateUser',
        parameters: {
          UserPoolId: props.userPool.userPoolId,
          Username: BOOTSTRAP_ADMIN.id,
          UserAttributes: [
            { Name: 'email', Value: props.email },
            { Name: 'email_verified', Value: 'true' },
          ],
          DesiredDeliveryMediums: ['EMAIL'],
        },
        physicalResourceId: PhysicalResourceId.of('pentad-bootstrap-admin-account'),
        ignoreErrorCodesMatching: 'UsernameExists',
      },
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [props.userPool.userPoolArn] }),
      installLatestAwsSdk: false,
    });
    const group = new AwsCustomResource(this, 'Group', {
      onCreate: {
        service: 'CognitoIdentityServiceProvider',
        action: 'adminAddUserToGroup',
        parameters: { UserPoolId: props.userPool.userPoolId, Username: BOOTSTRAP_ADMIN.id, GroupName: 'admin' },
        physicalResourceId: PhysicalResourceId.of('pentad-bootstrap-admin-group'),
      },
      policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [props.userPool.userPoolArn] }),
      installLatestAwsSdk: false,
    });
    group.node.addDependency(account);
    account.node.addDependency(record);
  }
}
