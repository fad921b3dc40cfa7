import { describe, expect, it } from 'vitest';
import { SignJWT, createLocalJWKSet, exportJWK, generateKeyPair } from 'jose';
import { createTokenVerifier } from '#shared/core/tokens';
import { createLocalTokenIssuer } from '#infra/local/token-issuer';

describe('token verification', () => {
  it('turns a local token into the same identity a Cognito access token gives', async () => {
    const issuer = await createLocalTokenIssuer();
    const { token } = await issuer.issue({ id: 'rep-1', roles: ['rep', 'manager'] });
    expect(await issuer.verifier.verify(token)).toEqual({ userId: 'rep-1', groups: ['rep', 'manager'] });
  });

  it('accepts a Cognito-shaped access token (RS256, username + cognito:groups) and rejects other clients and ID tokens', async () => {
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256' };
    const iss = 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_TEST';
    const verifier = createTokenVerifier({ issuer: iss, audience: 'client-1', keys: createLocalJWKSet({ keys: [jwk] }) });
    const sign = (claims: Record<string, unknown>) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'k1' }).setSubject('5f1c-uuid').setIssuer(iss).setExpirationTime('5m').sign(privateKey);
    const access = await sign({ token_use: 'access', client_id: 'client-1', username: 'director-east', 'cognito:groups': ['director', 'not-a-role'] });
    expect(await verifier.verify(access)).toEqual({ userId: 'director-east', groups: ['director'] });
    await expect(verifier.verify(await sign({ token_use: 'access', client_id: 'other', username: 'x' }))).rejects.toThrow(/not an access token/);
    await expect(verifier.verify(await sign({ token_use: 'id', client_id: 'client-1', username: 'x' }))).rejects.toThrow(/not an access token/);
    await expect(verifier.verify('not.a.jwt')).rejects.toThrow(/not valid/);
  });
});
