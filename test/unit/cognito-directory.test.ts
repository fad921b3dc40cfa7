import { beforeEach, describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  CognitoIdentityProviderClient,
  UsernameExistsException,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoDirectory } from '#shared/core/cognito-directory';

const cognito = mockClient(CognitoIdentityProviderClient);
const directory = new CognitoDirectory(new CognitoIdentityProviderClient({ region: 'eu-west-1' }), 'pool-1');
const user = { id: 'rep-1', email: 'rep1@pentad.example', name: 'Rep One', roles: ['rep' as const, 'manager' as const], active: true };

beforeEach(() => cognito.reset());

describe('Cognito directory', () => {
  it('creates a new user with the Pentad id as username and adds one group per role', async () => {
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [] });
    await directory.syncUser(user);
    expect(cognito.commandCalls(AdminCreateUserCommand)[0]!.args[0].input).toMatchObject({ UserPoolId: 'pool-1', Username: 'rep-1' });
    expect(cognito.commandCalls(AdminAddUserToGroupCommand).map((c) => c.args[0].input.GroupName).sort()).toEqual(['manager', 'rep']);
    expect(cognito.commandCalls(AdminEnableUserCommand)).toHaveLength(1);
  });

  it('updates an existing user, removes revoked roles and disables a deactivated one', async () => {
    cognito.on(AdminCreateUserCommand).rejects(new UsernameExistsException({ message: 'exists', $metadata: {} }));
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [{ GroupName: 'rep' }, { GroupName: 'admin' }] });
    await directory.syncUser({ ...user, roles: ['rep'], active: false });
    expect(cognito.commandCalls(AdminUpdateUserAttributesCommand)).toHaveLength(1);
    expect(cognito.commandCalls(AdminRemoveUserFromGroupCommand).map((c) => c.args[0].input.GroupName)).toEqual(['admin']);
    expect(cognito.commandCalls(AdminAddUserToGroupCommand)).toHaveLength(0);
    expect(cognito.commandCalls(AdminDisableUserCommand)).toHaveLength(1);
  });

  it('lets other Cognito errors through', async () => {
    cognito.on(AdminCreateUserCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(directory.syncUser(user)).rejects.toThrow('denied');
  });
});
