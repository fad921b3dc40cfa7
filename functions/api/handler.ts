import { handle } from 'hono/aws-lambda';
import { SFNClient } from '@aws-sdk/client-sfn';
import { S3Client } from '@aws-sdk/client-s3';
import { S3UploadStore } from '#shared/core/s3-upload-store';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { CognitoDirectory } from '#shared/core/cognito-directory';
import { loadConfig } from '#shared/core/config';
import { createDb } from '#shared/core/db';
import { systemClock } from '#shared/core/clock';
import { SfnWorkflowEngine } from '#shared/core/sfn-workflow-engine';
import { cognitoKeys, createTokenVerifier } from '#shared/core/tokens';
import { createApp } from './app.ts';

/** The API Lambda: the same app as the local stack, wired to the real table, Step Functions and Cognito. */
const config = loadConfig();
if (!config.USER_POOL_ID) throw new Error('Invalid environment: USER_POOL_ID is required in AWS');
if (!config.UPLOAD_BUCKET) throw new Error('Invalid environment: UPLOAD_BUCKET is required in AWS');

export const handler = handle(
  createApp({
    stage: config.STAGE,
    db: createDb(config.TABLE_NAME, { region: config.AWS_REGION }),
    engine: new SfnWorkflowEngine({ client: new SFNClient({ region: config.AWS_REGION }), stateMachineArnPrefix: config.STATE_MACHINE_ARN_PREFIX }),
    verifier: createTokenVerifier({ issuer: config.TOKEN_ISSUER, audience: config.TOKEN_AUDIENCE, keys: cognitoKeys(config.TOKEN_ISSUER) }),
    clock: systemClock,
    maxBodyBytes: config.MAX_BODY_BYTES,
    uploads: new S3UploadStore({ client: new S3Client({ region: config.AWS_REGION }), bucket: config.UPLOAD_BUCKET }),
    directory: new CognitoDirectory(new CognitoIdentityProviderClient({ region: config.AWS_REGION }), config.USER_POOL_ID),
  }),
);
