import { describe, expect, it } from 'vitest';
import { mockClient } from 'aws-sdk-client-mock';
import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { CognitoDirectory } from '#shared/core/cognito-directory';
import { testApi } from '#test/support/api';

describe('users and their sign-in accounts (Cognito adapter, SDK mocked)', () => {
  it('creating a user creates the Cognito account with role groups; deactivating disables it', async () => {
    const cognito = mockClient(CognitoIdentityProviderClient);
    cognito.on(AdminListGroupsForUserCommand).resolves({ Groups: [] });
    const api = await testApi({ directory: new CognitoDirectory(new CognitoIdentityProviderClient({ region: 'eu-west-1' }), 'pool-9') });
    await api.call('POST', '/regions', { as: 'admin', body: { id: 'west', name: 'West' } });
    const created = await api.call('POST', '/users', { as: 'admin', body: { id: 'director-west', name: 'Wen', email: 'wen@pentad.example', roles: ['director'], regionId: 'west' } });
    expect(created.status).toBe(201);
    expect(cognito.commandCalls(AdminCreateUserCommand)[0]!.args[0].input).toMatchObject({ UserPoolId: 'pool-9', Username: 'director-west' });
    expect(cognito.commandCalls(AdminAddUserToGroupCommand).map((c) => c.args[0].input.GroupName)).toEqual(['director']);
    const off = await api.call('PATCH', '/users/director-west', { as: 'admin', body: { active: false }, headers: { 'if-match': '"1"' } });
    expect(off.status).toBe(200);
    expect(cognito.commandCalls(AdminDisableUserCommand).map((c) => c.args[0].input.Username)).toEqual(['director-west']);
    cognito.restore();
  });
});
