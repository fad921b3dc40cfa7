import { OpenAPIHono, z } from '@hono/zod-openapi';
import { createNotificationService } from '#shared/notifications/service';
import { idParam, listQuery, pageOf, route } from '../openapi.ts';
import { validationHook } from '../middleware.ts';
import type { AppDeps, AppEnv } from '../types.ts';

const notificationView = z.object({ id: z.string(), userId: z.string(), kind: z.string(), title: z.string(), body: z.string(), approvalId: z.string().optional(), createdAt: z.string(), readAt: z.string().nullable() });

export function notificationRoutes(deps: AppDeps) {
  const notifications = createNotificationService(deps);
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.openapi(route({ method: 'get', path: '/notifications', summary: 'My notifications, newest first', tag: 'Notifications', query: listQuery(), response: pageOf(notificationView) }), async (c) =>
    c.json((await notifications.list(c.get('session'), c.req.valid('query'))) as never, 200),
  );
  app.openapi(route({ method: 'post', path: '/notifications/{id}/read', summary: 'Mark one as read', tag: 'Notifications', params: idParam, response: notificationView }), async (c) =>
    c.json((await notifications.markRead(c.get('session'), c.req.valid('param').id)) as never, 200),
  );
  return app;
}
