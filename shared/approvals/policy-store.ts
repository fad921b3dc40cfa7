import type { Db } from '#shared/core/db';
import { versionedPolicy, type Stored } from '#shared/core/versioned-policy';
import type { TransactItem } from '#shared/core/write';
import { DEFAULT_POLICY, type ApprovalPolicy } from './policy.ts';

/** The approval policy in force (version 0 = the default that ships). */
export type StoredPolicy = Stored<ApprovalPolicy>;

const store = versionedPolicy<ApprovalPolicy>('approval', DEFAULT_POLICY);

export const fromPolicyItem = store.fromItem;
export const loadPolicy = (db: Db) => store.load(db);
export const savePolicy = (db: Db, policy: ApprovalPolicy, expectedVersion: number, actorId: string, now: string, auditItem: (next: StoredPolicy) => TransactItem) =>
  store.save(db, policy, expectedVersion, actorId, now, auditItem);
