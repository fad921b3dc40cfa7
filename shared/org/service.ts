import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { keys, indexPartition } from '#shared/core/keys';
import { newId } from '#shared/core/ids';
import { auditPut } from '#shared/core/audit';
import { conflict, forbidden, invalid, notFound } from '#shared/core/errors';
import { canSee, canSeeTeam, dataScope, hasRole, type Principal } from '#shared/core/principal';
import { fromItem, queryIndex, type Item } from '#shared/core/query';
import type { Page } from '#shared/core/pagination';
import type { Session } from '#shared/core/session';
import { tableOnlyDirectory, type IdentityDirectory } from '#shared/core/identity-directory';
import { mustExist, putIfAbsent, putIfVersion, transact } from '#shared/core/write';
import { roleMemberWrites } from './roles.ts';
import { loadPlacement, resolvePlacement } from './placement.ts';
import type { CreateProductLine, CreateRegion, CreateTeam, CreateUser, PatchTeam, PatchUser, ProductLine, Region, Team, User } from './schemas.ts';

export interface OrgDeps {
  db: Db;
  clock: Clock;
  /** Sign-in accounts follow the user record (Cognito in AWS); defaults to the table alone. */
  directory?: IdentityDirectory;
}

export interface PageRequest {
  limit: number;
  cursor?: string;
}

const requireAdmin = (principal: Principal) => {
  if (!hasRole(principal, 'admin')) throw forbidden('Only an admin changes the organisation');
};

const userScope = (user: { id: string; teamId?: string | null; regionId?: string | null }) => ({
  ownerId: user.id,
  teamId: user.teamId,
  regionId: user.regionId,
});

export function createOrgService({ db, clock, directory = tableOnlyDirectory }: OrgDeps) {
  const audit = (principal: Principal, entityType: string, entityId: string, action: string, before?: Item, after?: Item, scope = {}) =>
    auditPut(db, { entityType, entityId, action, actorId: principal.userId, at: clock.now().toISOString(), before, after, scope });

  /** Regions and product lines: reference data every signed-in user reads and only admins write. */
  async function createReference<T extends { id: string }>(
    session: Session,
    kind: 'region' | 'product_line',
    entity: T,
  ): Promise<T> {
    const { principal } = await session.load();
    requireAdmin(principal);
    const key = kind === 'region' ? keys.region(entity.id) : keys.productLine(entity.id);
    const indexes = kind === 'region' ? keys.regionIndexes(entity) : keys.productLineIndexes(entity);
    await transact(db, [putIfAbsent(db, { ...key, ...indexes, type: kind, ...entity }), audit(principal, kind, entity.id, 'create', undefined, entity)], () =>
      conflict('already_exists', `A ${kind.replace('_', ' ')} with id ${entity.id} already exists`, { id: 'Already taken' }),
    );
    return entity;
  }

  async function listAll<T>(session: Session, type: 'REGIONS' | 'PRODUCT_LINES', page: PageRequest): Promise<Page<T>> {
    await session.load();
    return queryIndex<T>(db, { index: 'GSI4', partition: indexPartition.all(type), ...page });
  }

  async function getUserItem(id: string): Promise<Item | undefined> {
    const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.user(id) }));
    return out.Item;
  }

  return {
    createRegion: (session: Session, input: CreateRegion) =>
      createReference<Region>(session, 'region', { id: input.id ?? newId(), name: input.name, createdAt: clock.now().toISOString() }),
    listRegions: (session: Session, page: PageRequest) => listAll<Region>(session, 'REGIONS', page),

    createProductLine: (session: Session, input: CreateProductLine) =>
      createReference<ProductLine>(session, 'product_line', { id: input.id ?? newId(), name: input.name, code: input.code, createdAt: clock.now().toISOString() }),
    listProductLines: (session: Session, page: PageRequest) => listAll<ProductLine>(session, 'PRODUCT_LINES', page),

    async createTeam(session: Session, input: CreateTeam): Promise<Team> {
      const now = clock.now().toISOString();
      const team: Team = { ...input, id: input.id ?? newId(), version: 1, createdAt: now, updatedAt: now };
      const { principal, items } = await session.load([keys.region(team.regionId), ...(team.managerId ? [keys.user(team.managerId)] : [])]);
      requireAdmin(principal);
      if (!items[0]) throw invalid('The region does not exist', { regionId: `No region ${team.regionId}` });
      if (team.managerId && !items[1]) throw invalid('The manager does not exist', { managerId: `No user ${team.managerId}` });
      await transact(
        db,
        [
          putIfAbsent(db, { ...keys.team(team.id), ...keys.teamIndexes(team), type: 'team', ...team }),
          mustExist(db, keys.region(team.regionId)),
          audit(principal, 'team', team.id, 'create', undefined, { ...team }, { teamId: team.id, regionId: team.regionId }),
        ],
        (index) =>
          index === 0
            ? conflict('already_exists', `A team with id ${team.id} already exists`, { id: 'Already taken' })
            : invalid('The region does not exist', { regionId: `No region ${team.regionId}` }),
      );
      return team;
    },

    async patchTeam(session: Session, id: string, patch: PatchTeam, expectedVersion: number): Promise<Team> {
      const { principal, items } = await session.load([keys.team(id), ...(patch.managerId ? [keys.user(patch.managerId)] : [])]);
      requireAdmin(principal);
      const current = items[0] && fromItem<Team>(items[0]);
      if (!current) throw notFound(`Team ${id}`);
      if (current.version !== expectedVersion) throw staleVersion(current.version);
      if (patch.managerId && !items[1]) throw invalid('The manager does not exist', { managerId: `No user ${patch.managerId}` });
      const next: Team = {
        ...current,
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.department !== undefined ? { department: patch.department } : {}),
        ...(patch.managerId !== undefined ? { managerId: patch.managerId ?? undefined } : {}),
        version: current.version + 1,
        updatedAt: clock.now().toISOString(),
      };
      await transact(
        db,
        [
          putIfVersion(db, { ...keys.team(id), ...keys.teamIndexes(next), type: 'team', ...next }, current.version),
          audit(principal, 'team', id, 'update', { ...current }, { ...next }, { teamId: id, regionId: next.regionId }),
        ],
        () => staleVersion(),
      );
      return next;
    },

    /** The team and its members: one Query on the team's GSI2 partition (the team item sorts first). */
    async getTeam(session: Session, id: string): Promise<Team & { members: User[] }> {
      const { principal } = await session.load();
      const out = await db.doc.send(
        new QueryCommand({
          TableName: db.tableName,
          IndexName: 'GSI2',
          KeyConditionExpression: 'GSI2PK = :pk AND begins_with(GSI2SK, :member)',
          ExpressionAttributeValues: { ':pk': indexPartition.team(id), ':member': 'MEMBER' },
        }),
      );
      const [teamItem, ...memberItems] = out.Items ?? [];
      if (!teamItem || teamItem.type !== 'team') throw notFound(`Team ${id}`);
      const team = fromItem<Team>(teamItem);
      if (!canSeeTeam(principal, team)) throw notFound(`Team ${id}`);
      return { ...team, members: memberItems.map((item) => fromItem<User>(item)) };
    },

    async listTeams(session: Session, page: PageRequest): Promise<Page<Team>> {
      const { principal } = await session.load();
      const scope = dataScope(principal);
      if (scope.kind === 'all') return queryIndex<Team>(db, { index: 'GSI4', partition: indexPartition.all('TEAMS'), ...page });
      if (scope.kind === 'region') return queryIndex<Team>(db, { index: 'GSI3', partition: indexPartition.region(scope.regionId), sortPrefix: 'TEAM#', ...page });
      if (!principal.teamId) return { items: [], nextCursor: null };
      const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.team(principal.teamId) }));
      return { items: out.Item ? [fromItem<Team>(out.Item)] : [], nextCursor: null };
    },

    async me(session: Session): Promise<User> {
      const { principal, items } = await session.load([keys.user(session.identity.userId)]);
      return { ...fromItem<User>(items[0]!), roles: principal.roles };
    },

    async createUser(session: Session, input: CreateUser): Promise<User> {
      const { principal, found } = await loadPlacement(session, input);
      requireAdmin(principal);
      const placement = resolvePlacement(input, found);
      const now = clock.now().toISOString();
      const user: User = {
        id: input.id ?? newId(),
        name: input.name,
        email: input.email.toLowerCase(),
        roles: input.roles,
        ...placement,
        active: true,
        version: 1,
        createdAt: now,
        updatedAt: now,
      };
      await transact(
        db,
        [
          putIfAbsent(db, { ...keys.user(user.id), ...keys.userIndexes(user), type: 'user', ...user }),
          ...(user.teamId ? [mustExist(db, keys.team(user.teamId))] : []),
          audit(principal, 'user', user.id, 'create', undefined, { ...user }, userScope(user)),
          ...roleMemberWrites(db, undefined, user),
        ],
        (index) => (index === 0 ? conflict('already_exists', `A user with id ${user.id} already exists`, { id: 'Already taken' }) : invalid('The team does not exist', { teamId: 'No such team' })),
      );
      // After the commit: the table is the source of truth; any later PATCH re-syncs if this call fails.
      await directory.syncUser(user);
      return user;
    },

    async getUser(session: Session, id: string): Promise<User> {
      const { principal, items } = await session.load([keys.user(id)]);
      const user = items[0] && fromItem<User>(items[0]);
      if (!user || !canSee(principal, userScope(user))) throw notFound(`User ${id}`);
      return user;
    },

    async listUsers(session: Session, page: PageRequest): Promise<Page<User>> {
      const { principal } = await session.load();
      const scope = dataScope(principal);
      if (scope.kind === 'all') return queryIndex<User>(db, { index: 'GSI4', partition: indexPartition.all('USERS'), ...page });
      if (scope.kind === 'region') return queryIndex<User>(db, { index: 'GSI3', partition: indexPartition.region(scope.regionId), sortPrefix: 'USER#', ...page });
      if (scope.kind === 'team') return queryIndex<User>(db, { index: 'GSI2', partition: indexPartition.team(scope.teamId), sortPrefix: 'MEMBER#', ...page });
      const self = await getUserItem(principal.userId);
      return { items: self ? [fromItem<User>(self)] : [], nextCursor: null };
    },

    async patchUser(session: Session, id: string, patch: PatchUser, expectedVersion: number): Promise<User> {
      const { principal, extraItems, found } = await loadPlacement(session, { ...patch, teamId: patch.teamId === undefined ? undefined : patch.teamId }, [keys.user(id)]);
      requireAdmin(principal);
      const current = extraItems[0] && fromItem<User>(extraItems[0]);
      if (!current) throw notFound(`User ${id}`);
      if (current.version !== expectedVersion) throw staleVersion(current.version);
      const changesPlacement = patch.teamId !== undefined || patch.regionId !== undefined || patch.managerId !== undefined;
      const keepsTeam = patch.teamId === undefined || patch.teamId === current.teamId;
      const placement = changesPlacement
        ? resolvePlacement(
            {
              teamId: patch.teamId === undefined ? current.teamId : patch.teamId,
              regionId: patch.regionId === undefined ? (keepsTeam ? current.regionId : undefined) : patch.regionId,
              managerId: patch.managerId === undefined ? (keepsTeam ? current.managerId : undefined) : patch.managerId,
            },
            { ...found, manager: found.manager ?? (patch.managerId === undefined ? {} : undefined) },
            keepsTeam && current.teamId ? current.regionId : undefined,
          )
        : { teamId: current.teamId, regionId: current.regionId, managerId: current.managerId };
      const moved = placement.teamId !== current.teamId || placement.regionId !== current.regionId;
      if (moved && (await ownsCustomers(id))) {
        throw conflict('owner_has_customers', `${current.name} still owns customers; reassign them before moving the user to another team or region`);
      }
      const next: User = {
        ...current,
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.email !== undefined ? { email: patch.email.toLowerCase() } : {}),
        ...(patch.roles !== undefined ? { roles: patch.roles } : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
        teamId: placement.teamId,
        regionId: placement.regionId,
        managerId: placement.managerId,
        version: current.version + 1,
        updatedAt: clock.now().toISOString(),
      };
      await transact(
        db,
        [
          putIfVersion(db, { ...keys.user(id), ...keys.userIndexes(next), type: 'user', ...next }, current.version),
          ...(next.teamId && next.teamId !== current.teamId ? [mustExist(db, keys.team(next.teamId))] : []),
          ...roleMemberWrites(db, current, next),
          audit(principal, 'user', id, 'update', current as unknown as Item, next as unknown as Item, userScope(next)),
        ],
        (index) => (index === 0 ? staleVersion() : invalid('The team does not exist', { teamId: 'No such team' })),
      );
      await directory.syncUser(next);
      return next;
    },
  };

  async function ownsCustomers(ownerId: string): Promise<boolean> {
    const out = await db.doc.send(
      new QueryCommand({
        TableName: db.tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': indexPartition.owner(ownerId) },
        Limit: 1,
      }),
    );
    return (out.Items ?? []).length > 0;
  }
}

export const staleVersion = (current?: number) =>
  conflict('version_conflict', `The record changed since you read it${current ? ` (it is at version ${current})` : ''}; read it again and reapply your change`);


/** The user a local dev token is minted for: must exist and be active. */
export async function findActiveUser(db: Db, id: string): Promise<User | undefined> {
  const out = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: keys.user(id) }));
  const user = out.Item && fromItem<User>(out.Item);
  return user && user.active !== false ? user : undefined;
}
