import { describe, expect, it } from 'vitest';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { resourcesOf, synth } from './synth.ts';

describe('the bootstrap admin on AWS', () => {
  const template = synth();
  const calls = resourcesOf(template, 'Custom::AWS').map(([, r]) => JSON.parse(r.Properties!.Create['Fn::Join'] ? r.Properties!.Create['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'TOKEN')).join('') : r.Properties!.Create));

  it('writes the same admin record the local seed writes, only if absent', () => {
    const put = calls.find((c) => c.action === 'putItem')!;
    expect(put.parameters.ConditionExpression).toBe('attribute_not_exists(PK)');
    expect(unmarshall(put.parameters.Item)).toMatchObject({ PK: 'USER#admin', SK: 'PROFILE', type: 'user', id: 'admin', roles: ['admin'], active: true, GSI4PK: 'USERS' });
  });

  it('creates the Cognito account `admin` (username = Pentad id) and puts it in the admin group', () => {
    expect(calls.find((c) => c.action === 'adminCreateUser')!.parameters.Username).toBe('admin');
    expect(calls.find((c) => c.action === 'adminAddUserToGroup')!.parameters).toMatchObject({ Username: 'admin', GroupName: 'admin' });
    const [[, pool]] = resourcesOf(template, 'AWS::Cognito::UserPool');
    expect(pool!.Properties!.UsernameAttributes).toBeUndefined();
    expect(pool!.Properties!.AliasAttributes).toEqual(['email']);
  });
});
