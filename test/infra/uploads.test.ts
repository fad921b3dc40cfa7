import { describe, expect, it } from 'vitest';
import { engineTestRegistry } from '#test/workflows/engine-test.registry';
import { resourcesOf, synth } from './synth.ts';

const template = synth(engineTestRegistry);
const [[bucketId, bucket]] = resourcesOf(template, 'AWS::S3::Bucket').filter(([id]) => id.startsWith('UploadsFiles'));

describe('import uploads bucket', () => {
  it('is private and encrypted, takes browser PUTs from the console origin only, and forgets files after a day', () => {
    const props = bucket!.Properties!;
    expect(props.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(props.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBe('AES256');
    expect(props.CorsConfiguration.CorsRules).toEqual([
      expect.objectContaining({ AllowedMethods: ['PUT'], AllowedOrigins: ['http://localhost:3000'], AllowedHeaders: ['content-type'] }),
    ]);
    expect(props.LifecycleConfiguration.Rules[0]).toMatchObject({ ExpirationInDays: 1, Status: 'Enabled' });
  });

  it('is named to the API Lambda, which may put, read and delete its objects', () => {
    const [[, api]] = resourcesOf(template, 'AWS::Lambda::Function').filter(([id]) => id.startsWith('ApiHandler'));
    expect(api!.Properties!.Environment.Variables.UPLOAD_BUCKET).toEqual({ Ref: bucketId });
    const role = (api!.Properties!.Role as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0];
    const policies = resourcesOf(template, 'AWS::IAM::Policy').filter(([, p]) => p.Properties!.Roles.some((r: { Ref: string }) => r.Ref === role));
    const actions = policies.flatMap(([, p]) => p.Properties!.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
      .filter((s) => JSON.stringify(s.Resource).includes(bucketId!))
      .flatMap((s) => [s.Action].flat());
    for (const action of ['s3:PutObject', 's3:GetObject*', 's3:DeleteObject*']) expect(actions).toContain(action);
  });
});
