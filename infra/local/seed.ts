import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '#shared/core/db';
import type { Clock } from '#shared/core/clock';
import { BOOTSTRAP_ADMIN, bootstrapAdminItem, bootstrapAdminRoleItem } from '#shared/org/bootstrap';
import { Session } from '#shared/core/session';
import { createOrgService } from '#shared/org/service';
import { createCustomerService } from '#shared/customers/service';
import { customersFor, departmentTeams, productLines, regions, teams, users } from './seed-data.ts';

const DEMO_MARKER = { PK: 'SEED', SK: 'DEMO' };

/** The bootstrap admin always exists (written only if absent, so a renamed admin keeps its edits). */
export async function seedAdmin(db: Db, clock: Clock): Promise<void> {
  for (const item of [bootstrapAdminItem(clock.now().toISOString()), bootstrapAdminRoleItem()]) {
    try {
      await db.doc.send(new PutCommand({ TableName: db.tableName, Item: item, ConditionExpression: 'attribute_not_exists(PK)' }));
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
}

/**
 * The demo organisation, once per table (a marker item records that it ran). It goes through the same
 * services as the API, acting as the admin, so demo data is valid data with an audit trail.
 */
export async function seedDemo(db: Db, clock: Clock): Promise<{ seeded: boolean; users: number; customers: number }> {
  const marker = await db.doc.send(new GetCommand({ TableName: db.tableName, Key: DEMO_MARKER }));
  if (marker.Item) return { seeded: false, users: 0, customers: 0 };
  const session = new Session(db, { userId: BOOTSTRAP_ADMIN.id, groups: ['admin'] });
  const org = createOrgService({ db, clock });
  const customers = createCustomerService({ db, clock });
  for (const region of regions) await org.createRegion(session, region);
  for (const line of productLines) await org.createProductLine(session, line);
  for (const team of teams) await org.createTeam(session, { id: team.id, name: team.name, regionId: team.regionId, department: 'sales' });
  for (const team of departmentTeams) await org.createTeam(session, { id: team.id, name: team.name, regionId: team.regionId, department: team.department });
  for (const user of users) await org.createUser(session, user);
  // Teams were created before their managers existed; name the managers now.
  for (const team of teams) await org.patchTeam(session, team.id, { managerId: team.managerId }, 1);
  for (const team of departmentTeams) await org.patchTeam(session, team.id, { managerId: team.managerId }, 1);
  const repIds = users.filter((u) => u.roles.includes('rep')).map((u) => u.id);
  const demoCustomers = customersFor(repIds);
  for (const customer of demoCustomers) await customers.create(session, customer);
  await db.doc.send(new PutCommand({ TableName: db.tableName, Item: { ...DEMO_MARKER, type: 'seed', at: clock.now().toISOString() } }));
  return { seeded: true, users: users.length, customers: demoCustomers.length };
}
