import { z } from 'zod';

/** Environment read once, failing fast with the variable that is wrong. */
const schema = z.object({
  STAGE: z.enum(['local', 'aws', 'test']).default('aws'),
  TABLE_NAME: z.string().min(1),
  AWS_REGION: z.string().default('eu-west-1'),
  /** Cognito issuer (https://cognito-idp.<region>.amazonaws.com/<poolId>) in AWS; the embedded issuer locally. */
  TOKEN_ISSUER: z.string().min(1),
  /** App client id; Cognito access tokens carry it as client_id. */
  TOKEN_AUDIENCE: z.string().min(1),
  /** ARN prefix of the state machines (arn:aws:states:<region>:<account>:stateMachine:) in AWS. */
  STATE_MACHINE_ARN_PREFIX: z.string().default(''),
  /** Cognito user pool whose accounts follow the user records (required in AWS). */
  USER_POOL_ID: z.string().default(''),
  /** S3 bucket for files uploaded before an import (required in AWS; the local stack uses a folder). */
  UPLOAD_BUCKET: z.string().default(''),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1024 * 1024),
});

export type Config = z.infer<typeof schema>;

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new Error(`Invalid environment: ${problems}`);
  }
  return parsed.data;
}
