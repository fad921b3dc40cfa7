import { buildConsole } from '../../console/build.ts';
import { users } from './seed-data.ts';
import { BOOTSTRAP_ADMIN } from '#shared/org/bootstrap';

type Fetch = (request: Request, ...rest: any[]) => Response | Promise<Response>;

/**
 * The web console on the local stack, same origin as the API: `/`, `/favicon.ico`, `/console/*` and `/console-config.json`
 * (stage local and the seeded users to sign in as); every other request goes to the API unchanged.
 */
export async function withConsole(apiFetch: Fetch, options: { demo: boolean }): Promise<Fetch> {
  const files = await buildConsole();
  const signInAs = [{ id: BOOTSTRAP_ADMIN.id, name: BOOTSTRAP_ADMIN.name, roles: ['admin'] }, ...(options.demo ? users.map((u) => ({ id: u.id, name: u.name, roles: u.roles })) : [])];
  files.set('console-config.json', { body: JSON.stringify({ stage: 'local', users: signInAs }), type: 'application/json' });
  return (request, ...rest) => {
    const url = new URL(request.url);
    const file = request.method === 'GET' || request.method === 'HEAD' ? files.get(url.pathname === '/' ? 'index.html' : url.pathname.slice(1)) : undefined;
    if (!file) return apiFetch(request, ...rest);
    return new Response(request.method === 'HEAD' ? null : file.body, { headers: { 'content-type': file.type, 'cache-control': 'no-cache' } });
  };
}
