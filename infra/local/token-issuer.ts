import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, importJWK, SignJWT, type JWK, type CryptoKey } from 'jose';
import { createTokenVerifier, type TokenVerifier } from '#shared/core/tokens';
import type { Role } from '#shared/core/principal';

/**
 * The local stand-in for Cognito: signs access tokens with the same claims Cognito puts in them.
 * With a data folder the key is kept there, so tokens stay valid across restarts like Cognito's do.
 */
export const LOCAL_ISSUER = 'http://localhost/pentad-local-issuer';
export const LOCAL_CLIENT_ID = 'pentad-local-console';
const TOKEN_TTL_SECONDS = 60 * 60;

export interface LocalTokenIssuer {
  issuer: string;
  audience: string;
  verifier: TokenVerifier;
  issue(user: { id: string; roles: Role[] }): Promise<{ token: string; expiresAt: string }>;
}

export async function createLocalTokenIssuer(dataDir?: string): Promise<LocalTokenIssuer> {
  const { privateJwk, publicJwk } = await loadOrCreateKey(dataDir);
  const privateKey = (await importJWK(privateJwk, 'ES256')) as CryptoKey;
  const keys = createLocalJWKSet({ keys: [publicJwk] });
  return {
    issuer: LOCAL_ISSUER,
    audience: LOCAL_CLIENT_ID,
    verifier: createTokenVerifier({ issuer: LOCAL_ISSUER, audience: LOCAL_CLIENT_ID, keys }),
    async issue(user) {
      const expires = Math.floor(Date.now() / 1000) + TOKEN_TTL_SECONDS;
      const token = await new SignJWT({ username: user.id, 'cognito:groups': user.roles, client_id: LOCAL_CLIENT_ID, token_use: 'access', scope: 'openid' })
        .setProtectedHeader({ alg: 'ES256', kid: publicJwk.kid })
        .setSubject(user.id)
        .setIssuer(LOCAL_ISSUER)
        .setIssuedAt()
        .setExpirationTime(expires)
        .sign(privateKey);
      return { token, expiresAt: new Date(expires * 1000).toISOString() };
    },
  };
}

async function loadOrCreateKey(dataDir?: string): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const file = dataDir ? join(dataDir, 'issuer-key.json') : undefined;
  if (file && existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
  const pair = await generateKeyPair('ES256', { extractable: true });
  const kid = `local-${Date.now().toString(36)}`;
  const privateJwk = { ...(await exportJWK(pair.privateKey)), kid, alg: 'ES256' };
  const publicJwk = { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256' };
  if (file && dataDir) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, JSON.stringify({ privateJwk, publicJwk }), { mode: 0o600 });
  }
  return { privateJwk, publicJwk };
}
