import { createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { unauthorized } from './errors.ts';
import { ROLES, type Identity, type Role } from './principal.ts';

/**
 * Verifies bearer tokens shaped like Cognito access tokens — `sub`, `username`, `cognito:groups`,
 * `client_id`, `token_use: access` — whether Cognito or the local issuer signed them.
 */
export interface TokenVerifier {
  verify(token: string): Promise<Identity>;
}

export function createTokenVerifier(options: { issuer: string; audience: string; keys: JWTVerifyGetKey }): TokenVerifier {
  return {
    async verify(token) {
      let claims: Record<string, unknown>;
      try {
        ({ payload: claims } = await jwtVerify(token, options.keys, { issuer: options.issuer, algorithms: ['RS256', 'ES256'] }));
      } catch (error) {
        throw unauthorized(`The bearer token is not valid (${(error as Error).message})`);
      }
      if (claims.token_use !== 'access' || claims.client_id !== options.audience) {
        throw unauthorized('The bearer token is not an access token for this API');
      }
      const userId = typeof claims.username === 'string' ? claims.username : String(claims.sub);
      const groups = Array.isArray(claims['cognito:groups']) ? (claims['cognito:groups'] as string[]) : [];
      return { userId, groups: groups.filter((group): group is Role => (ROLES as readonly string[]).includes(group)) };
    },
  };
}

/** Cognito publishes its keys at <issuer>/.well-known/jwks.json; jose caches them between invocations. */
export const cognitoKeys = (issuer: string) => createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
