import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { engineTestRegistry } from '#test/workflows/engine-test.registry';
import { resourcesOf, synth } from './synth.ts';

const template = synth(engineTestRegistry);
const json = template.toJSON();

describe('web console', () => {
  it('lives in a private, encrypted, TLS-only bucket that only CloudFront (origin access control) reads', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
    });
    template.resourceCountIs('AWS::CloudFront::OriginAccessControl', 1);
    const [[, policy]] = resourcesOf(template, 'AWS::S3::BucketPolicy').filter(([id]) => id.startsWith('ConsoleSite'));
    const statements = policy!.Properties!.PolicyDocument.Statement as any[];
    expect(statements.some((s) => s.Effect === 'Deny' && s.Condition?.Bool?.['aws:SecureTransport'] === 'false')).toBe(true);
    const reads = statements.filter((s) => s.Effect === 'Allow' && [s.Action].flat().includes('s3:GetObject'));
    expect(reads.map((s) => s.Principal)).toEqual([{ Service: 'cloudfront.amazonaws.com' }]);
  });

  it('is served over HTTPS by CloudFront with index.html at /', () => {
    template.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        DefaultRootObject: 'index.html',
        DefaultCacheBehavior: Match.objectLike({ ViewerProtocolPolicy: 'redirect-to-https' }),
      }),
    });
    expect(Object.keys(json.Outputs)).toContain('ConsoleUrl');
  });

  it('is uploaded with a console-config.json naming the API, the hosted UI and the app client, and invalidates the CDN', () => {
    const [[, deployment]] = resourcesOf(template, 'Custom::CDKBucketDeployment');
    const props = deployment!.Properties!;
    expect(props.DistributionPaths).toEqual(['/*']);
    expect(props.SourceObjectKeys).toHaveLength(2);
    const markers = JSON.stringify(props.SourceMarkers);
    // The config's values are deploy-time tokens: the API stage URL, the hosted UI's region and the app client id.
    expect(markers).toMatch(/"Ref":"ApiHttpApi[0-9A-F]+"/);
    expect(markers).toContain('"Ref":"AWS::Region"');
    expect(markers).toMatch(/"Ref":"AuthUserPoolConsoleClient[0-9A-F]+"/);
  });

  it('allows the console origin through the API’s CORS and as the hosted UI callback', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.objectLike({ AllowOrigins: ['http://localhost:3000'] }) });
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', { CallbackURLs: ['http://localhost:3000/'] });
  });
});
