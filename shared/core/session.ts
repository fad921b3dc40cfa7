import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from './db.ts';
import { keys, type Key } from './keys.ts';
import { forbidden, unauthorized } from './errors.ts';
import type { Identity, Principal, Role } from './principal.ts';

export type Item = Record<string, unknown>;

/**
 * A request's caller. The principal is read from the table together with whatever the use case needs
 * (one BatchGetItem), so "auth + read" costs one round trip and a whole request stays within two.
 */
export class Session {
  private principal?: Principal;

  constructor(
    private readonly db: Db,
    readonly identity: Identity,
  ) {}

  /** Loads the principal (once) plus the given items, in one round trip; missing items come back undefined. */
  async load(extra: Key[] = []): Promise<{ principal: Principal; items: (Item | undefined)[] }> {
    if (this.principal && extra.length === 0) return { principal: this.principal, items: [] };
    const wanted = this.principal ? extra : [keys.user(this.identity.userId), ...extra];
    const found = await batchGet(this.db, wanted);
    if (!this.principal) this.principal = toPrincipal(this.identity, found.get(id(keys.user(this.identity.userId))));
    return { principal: this.principal, items: extra.map((key) => found.get(id(key))) };
  }
}

const id = (key: Key) => `${key.PK}\u0000${key.SK}`;

async function batchGet(db: Db, wanted: Key[]): Promise<Map<string, Item>> {
  const unique = [...new Map(wanted.map((key) => [id(key), key])).values()];
  const found = new Map<string, Item>();
  let pending: Key[] = unique;
  // UnprocessedKeys only appear under throttling; retry them with a short backoff.
  for (let attempt = 0; pending.length > 0; attempt++) {
    const out = await db.doc.send(new BatchGetCommand({ RequestItems: { [db.tableName]: { Keys: pending } } }));
    for (const item of out.Responses?.[db.tableName] ?? []) found.set(id(item as Key), item);
    pending = (out.UnprocessedKeys?.[db.tableName]?.Keys as Key[] | undefined) ?? [];
    if (pending.length > 0) await new Promise((r) => setTimeout(r, 20 * 2 ** Math.min(attempt, 5)));
  }
  return found;
}

/** A role counts only while both the token and the user record grant it, so revoking in Pentad is immediate. */
function toPrincipal(identity: Identity, user: Item | undefined): Principal {
  if (!user) throw unauthorized(`No Pentad user matches this token (${identity.userId})`);
  if (user.active === false) throw forbidden('This user is deactivated');
  const held = new Set((user.roles as Role[]) ?? []);
  return {
    userId: identity.userId,
    name: String(user.name),
    roles: identity.groups.filter((role) => held.has(role)),
    teamId: (user.teamId as string | undefined) ?? undefined,
    regionId: (user.regionId as string | undefined) ?? undefined,
  };
}
