import { OpenAPIHono } from '@hono/zod-openapi';
import { etag, versionFromIfMatch } from '#shared/core/etag';
import { createOrgService } from '#shared/org/service';
import * as s from '#shared/org/schemas';
import { idParam, listQuery, pageOf, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import type { AppDeps, AppEnv } from '../types.ts';

/** Users, teams, regions, product lines: admins write, everyone reads within their scope. */
export function orgRoutes(deps: AppDeps) {
  const org = createOrgService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  const tag = 'Organisation';

  app.openapi(route({ method: 'get', path: '/me', summary: 'The signed-in user', tag, response: s.userView }), async (c) =>
    c.json((await org.me(c.get('session'))) as never, 200),
  );

  app.openapi(route({ method: 'get', path: '/users', summary: 'Users within your scope', tag, query: listQuery(), response: pageOf(s.userView) }), async (c) =>
    c.json((await org.listUsers(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(route({ method: 'post', path: '/users', summary: 'Create a user (admin)', tag, body: s.createUser, response: s.userView, status: 201, extraResponses: { 409: 'Id taken' } }), async (c) => {
    const user = await org.createUser(c.get('session'), c.req.valid('json'));
    c.header('ETag', etag(user.version));
    return c.json(user as never, 201);
  });
  app.openapi(route({ method: 'get', path: '/users/{id}', summary: 'A user within your scope', tag, params: idParam, response: s.userView }), async (c) => {
    const user = await org.getUser(c.get('session'), c.req.valid('param').id);
    c.header('ETag', etag(user.version));
    return c.json(user as never, 200);
  });
  app.openapi(
    route({ method: 'patch', path: '/users/{id}', summary: 'Change a user (admin, If-Match)', tag, params: idParam, body: s.patchUser, response: s.userView, extraResponses: { 409: 'Stale version', 412: 'If-Match missing' } }),
    async (c) => {
      const user = await org.patchUser(c.get('session'), c.req.valid('param').id, c.req.valid('json'), versionFromIfMatch(c.req.header('if-match')));
      c.header('ETag', etag(user.version));
      return c.json(user as never, 200);
    },
  );

  app.openapi(route({ method: 'get', path: '/teams', summary: 'Teams within your scope', tag, query: listQuery(), response: pageOf(s.teamView) }), async (c) =>
    c.json((await org.listTeams(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(route({ method: 'post', path: '/teams', summary: 'Create a team (admin)', tag, body: s.createTeam, response: s.teamView, status: 201, extraResponses: { 409: 'Id taken' } }), async (c) =>
    c.json((await org.createTeam(c.get('session'), c.req.valid('json'))) as never, 201),
  );
  app.openapi(
    route({ method: 'patch', path: '/teams/{id}', summary: 'Rename a team or change its manager (admin, If-Match)', tag, params: idParam, body: s.patchTeam, response: s.teamView, extraResponses: { 409: 'Stale version', 412: 'If-Match missing' } }),
    async (c) => {
      const team = await org.patchTeam(c.get('session'), c.req.valid('param').id, c.req.valid('json'), versionFromIfMatch(c.req.header('if-match')));
      c.header('ETag', etag(team.version));
      return c.json(team as never, 200);
    },
  );
  app.openapi(route({ method: 'get', path: '/teams/{id}', summary: 'A team with its members', tag, params: idParam, response: s.teamWithMembersView }), async (c) =>
    c.json((await org.getTeam(c.get('session'), c.req.valid('param').id)) as never, 200),
  );

  app.openapi(route({ method: 'get', path: '/regions', summary: 'All regions', tag, query: listQuery(), response: pageOf(s.regionView) }), async (c) =>
    c.json((await org.listRegions(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(route({ method: 'post', path: '/regions', summary: 'Create a region (admin)', tag, body: s.createRegion, response: s.regionView, status: 201, extraResponses: { 409: 'Id taken' } }), async (c) =>
    c.json((await org.createRegion(c.get('session'), c.req.valid('json'))) as never, 201),
  );
  app.openapi(route({ method: 'get', path: '/product-lines', summary: 'All product lines', tag, query: listQuery(), response: pageOf(s.productLineView) }), async (c) =>
    c.json((await org.listProductLines(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(
    route({ method: 'post', path: '/product-lines', summary: 'Create a product line (admin)', tag, body: s.createProductLine, response: s.productLineView, status: 201, extraResponses: { 409: 'Id taken' } }),
    async (c) => c.json((await org.createProductLine(c.get('session'), c.req.valid('json'))) as never, 201),
  );
  return app;
}

