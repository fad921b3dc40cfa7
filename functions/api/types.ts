import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import type { Session } from '#shared/core/session';
import type { TokenVerifier } from '#shared/core/tokens';
import type { WorkflowEngine } from '#shared/core/workflow-engine';
import type { Role } from '#shared/core/principal';
import type { IdentityDirectory } from '#shared/core/identity-directory';
import type { RateLimit } from './rate-limit.ts';
import type { UploadStore } from '#shared/core/file-uploads';

export interface DevTokenIssuer {
  issue(user: { id: string; roles: Role[] }): Promise<{ token: string; expiresAt: string }>;
}

/** Everything the API needs, passed in: Lambda builds it from the environment, the local stack from its engines. */
export interface AppDeps {
  stage: 'local' | 'aws' | 'test';
  db: Db;
  engine: WorkflowEngine;
  verifier: TokenVerifier;
  clock: Clock;
  maxBodyBytes: number;
  /** Sign-in accounts (Cognito in AWS); absent locally, where tokens are minted from the table. */
  directory?: IdentityDirectory;
  /** Present only in the local stage: mints tokens for seeded users (POST /dev/token). */
  devTokens?: DevTokenIssuer;
  /** Per-principal request limit (the local stack); absent = none (in AWS, API Gateway throttles). */
  rateLimit?: RateLimit;
  /** Where large import files are PUT before their import starts: S3 in AWS, a folder locally. */
  uploads?: UploadStore;
}

export type AppEnv = { Variables: { session: Session } };
