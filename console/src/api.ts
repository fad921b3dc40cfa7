import { t } from './i18n.ts';

/** The console talks to the public HTTP API only: same origin locally, `apiUrl` from console-config.json on AWS. */
export interface ConsoleConfig {
  stage: 'local' | 'aws';
  apiUrl?: string;
  users?: { id: string; name: string; roles: string[] }[];
  auth?: { domain: string; clientId: string; redirectUri: string };
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly code?: string, readonly fields?: Record<string, string>) {
    super(message);
  }
}

let base = '';
export const setApiBase = (url: string | undefined) => (base = (url ?? '').replace(/\/$/, ''));
export const getToken = () => sessionStorage.getItem('pentad.token');
export const setToken = (token: string | null) => (token ? sessionStorage.setItem('pentad.token', token) : sessionStorage.removeItem('pentad.token'));

/** JSON in, JSON out; every failure becomes an ApiError with a message a person can act on. */
export async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, t('errorNetwork'));
  }
  const text = await res.text();
  const json = text ? safeJson(text) : undefined;
  if (!res.ok) {
    const err = json?.error;
    if (res.status === 401) throw new ApiError(401, t('errorAuth'), err?.code);
    if (res.status === 403) throw new ApiError(403, `${t('errorForbidden')}${err?.message ? ` (${err.message})` : ''}`, err?.code);
    throw new ApiError(res.status, `${t('error')} (${res.status}): ${err?.message ?? res.statusText}`, err?.code, err?.fields);
  }
  return json as T;
}

function safeJson(text: string) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
