import {
  AdminAddUserToGroupCommand,
  AdminCreateUserCommand,
  AdminDisableUserCommand,
  AdminEnableUserCommand,
  AdminListGroupsForUserCommand,
  AdminRemoveUserFromGroupCommand,
  AdminUpdateUserAttributesCommand,
  type CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import { ROLES } from './principal.ts';
import type { DirectoryUser, IdentityDirectory } from './identity-directory.ts';

/** The IdentityDirectory on a Cognito user pool whose groups are the six roles. */
export class CognitoDirectory implements IdentityDirectory {
  constructor(
    private readonly client: CognitoIdentityProviderClient,
    private readonly userPoolId: string,
  ) {}

  async syncUser(user: DirectoryUser): Promise<void> {
    const base = { UserPoolId: this.userPoolId, Username: user.id };
    const attributes = [
      { Name: 'email', Value: user.email },
      { Name: 'email_verified', Value: 'true' },
      { Name: 'name', Value: user.name },
    ];
    try {
      // Cognito e-mails the new user a temporary password for the hosted UI.
      await this.client.send(new AdminCreateUserCommand({ ...base, UserAttributes: attributes, DesiredDeliveryMediums: ['EMAIL'] }));
    } catch (error) {
      if ((error as Error).name !== 'UsernameExistsException') throw error;
      await this.client.send(new AdminUpdateUserAttributesCommand({ ...base, UserAttributes: attributes }));
    }
    const current = await this.client.send(new AdminListGroupsForUserCommand({ ...base, Limit: 60 }));
    const has = new Set((current.Groups ?? []).map((group) => group.GroupName!));
    const wanted = new Set<string>(user.roles);
    for (const role of ROLES) {
      if (wanted.has(role) && !has.has(role)) await this.client.send(new AdminAddUserToGroupCommand({ ...base, GroupName: role }));
      if (!wanted.has(role) && has.has(role)) await this.client.send(new AdminRemoveUserFromGroupCommand({ ...base, GroupName: role }));
    }
    await this.client.send(user.active ? new AdminEnableUserCommand(base) : new AdminDisableUserCommand(base));
  }
}
