import type { Role } from './principal.ts';

/**
 * Where people sign in. In AWS it is Cognito: a user's username is their Pentad id and their groups are their
 * roles, so the access token carries both. Locally the embedded issuer mints tokens straight from the table,
 * so the local directory has nothing to keep in step.
 */
export interface DirectoryUser {
  id: string;
  email: string;
  name: string;
  roles: Role[];
  active: boolean;
}

export interface IdentityDirectory {
  /** Creates the sign-in account if missing and brings its groups and enabled state in line. Idempotent. */
  syncUser(user: DirectoryUser): Promise<void>;
}

export const tableOnlyDirectory: IdentityDirectory = { syncUser: async () => {} };
