import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { BlockPublicAccess, Bucket, BucketEncryption, HttpMethods } from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export interface UploadsProps {
  /** The console's origin: browsers PUT files here cross-origin with a presigned URL. */
  corsOrigins: string[];
}

/**
 * Files uploaded for imports (shared/imports/uploads.ts): private, encrypted, reachable only through presigned
 * URLs the API hands out; the API deletes a file once its import has its rows, and a day's lifecycle catches the rest.
 */
export class Uploads extends Construct {
  readonly bucket: Bucket;

  constructor(scope: Construct, id: string, props: UploadsProps) {
    super(scope, id);
    this.bucket = new Bucket(this, 'Files', {
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(1), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      cors: [{ allowedOrigins: props.corsOrigins, allowedMethods: [HttpMethods.PUT], allowedHeaders: ['content-type'], maxAge: 3600 }],
      // Only transient upload files live here.
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
  }
}
