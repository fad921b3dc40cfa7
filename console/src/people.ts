import { api } from './api.ts';

/**
 * Display names for user ids (top reps, deal owners). The people in the caller's scope come from GET /users
 * (≤ 3 pages of 100, once per sign-in); an id not among them is asked for alone (GET /users/{id}). Someone the
 * caller may not open, or a failed call, shows the id: a name never blocks a screen, and few requests stay well
 * inside the API's rate limit.
 */
let directory: Promise<Map<string, string>> | null = null;
const single = new Map<string, Promise<string>>();

async function loadDirectory(): Promise<Map<string, string>> {
  const names = new Map<string, string>();
  let cursor: string | null = null;
  for (let page = 0; page < 3; page++) {
    const res: { items: { id: string; name?: string }[]; nextCursor: string | null } = await api('GET', `/users?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    for (const u of res.items) if (u.name) names.set(u.id, u.name);
    cursor = res.nextCursor;
    if (!cursor) break;
  }
  return names;
}

function one(id: string): Promise<string> {
  if (!single.has(id)) single.set(id, api<{ name?: string }>('GET', `/users/${encodeURIComponent(id)}`).then((u) => u.name || id, () => id));
  return single.get(id)!;
}

/** Names of the distinct ids, as a map (id → name, or the id itself when no name can be read). */
export async function userNames(ids: string[]): Promise<Map<string, string>> {
  directory ??= loadDirectory().catch(() => new Map<string, string>());
  const known = await directory;
  const distinct = [...new Set(ids)];
  const names = await Promise.all(distinct.map((id) => known.get(id) ?? one(id)));
  return new Map(distinct.map((id, i) => [id, names[i]!]));
}

/** Team names by id (GET /teams, once per sign-in); a failed call leaves ids as they are. */
let teams: Promise<Map<string, string>> | null = null;
export function teamNames(): Promise<Map<string, string>> {
  teams ??= api<{ items: { id: string; name?: string }[] }>('GET', '/teams?limit=100').then(
    (res) => new Map(res.items.map((x) => [x.id, x.name || x.id])),
    () => new Map<string, string>(),
  );
  return teams;
}

/** Forget names on sign-out, so the next person's scope decides what they see. */
export function forgetNames() {
  directory = null;
  teams = null;
  single.clear();
}
