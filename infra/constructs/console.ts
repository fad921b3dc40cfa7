import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RemovalPolicy } from 'aws-cdk-lib';
import { Distribution, ViewerProtocolPolicy, CachePolicy, ResponseHeadersPolicy } from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { BlockPublicAccess, Bucket, BucketEncryption } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { writeConsoleSync } from '../../console/build.ts';

export interface ConsoleProps {
  /** The HTTP API's URL: the console calls it cross-origin (CORS allows the console origin). */
  apiUrl: string;
  /** Cognito hosted UI: https://<prefix>.auth.<region>.amazoncognito.com */
  hostedUiDomain: string;
  clientId: string;
  /** Where the hosted UI sends people back: the console URL given as context `consoleUrl`. */
  redirectUri: string;
  /** false uploads a one-line stub instead of bundling the console (template tests; see PentadStackProps.bundle). */
  bundle: boolean;
}

/**
 * The web console on AWS: the same static files the local stack serves at /, in a private S3 bucket behind
 * CloudFront (origin access control), plus console-config.json naming the API and the hosted UI.
 */
export class Console extends Construct {
  readonly distribution: Distribution;

  constructor(scope: Construct, id: string, props: ConsoleProps) {
    super(scope, id);
    const bucket = new Bucket(this, 'Site', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      // Only built files live here; every deploy uploads them again.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    this.distribution = new Distribution(this, 'Cdn', {
      comment: 'Pentad web console',
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(bucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
      },
    });
    const site = props.bundle ? Source.asset(writeConsoleSync(mkdtempSync(join(tmpdir(), 'pentad-console-')))) : Source.data('index.html', '<!-- console stub: synth with bundle -->');
    new BucketDeployment(this, 'Deploy', {
      destinationBucket: bucket,
      sources: [
        site,
        Source.jsonData('console-config.json', {
          stage: 'aws',
          apiUrl: props.apiUrl,
          auth: { domain: props.hostedUiDomain, clientId: props.clientId, redirectUri: props.redirectUri },
        }),
      ],
      distribution: this.distribution,
      distributionPaths: ['/*'],
      memoryLimit: 256,
    });
  }
}
