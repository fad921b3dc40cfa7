import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { Architecture, Code, Runtime } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { projectRoot } from '#infra/project-root';

export interface PentadFunctionProps {
  /** Module path relative to the project root, without extension (functions/api/handler, a registry binding…). */
  module: string;
  environment: Record<string, string>;
  /** See PentadStackProps.bundle: false swaps esbuild for a stub so template tests stay fast. */
  bundle: boolean;
  memorySize?: number;
  timeout?: Duration;
}

/**
 * ESM bundles have no `require`; some CommonJS dependencies still call it, so the banner recreates it.
 * The @aws-sdk/* v3 packages stay external (NodejsFunction's default for node22): the runtime ships them.
 */
const esmRequireBanner = "import { createRequire } from 'module'; const require = createRequire(import.meta.url);";

/** One Node 22 / arm64 Lambda bundled by the local esbuild (never Docker), logging to a one-month LogGroup. */
export function pentadFunction(scope: Construct, id: string, props: PentadFunctionProps): NodejsFunction {
  const entry = join(projectRoot, `${props.module}.ts`);
  // The stub path skips esbuild, so check here what esbuild would have: the entry must exist.
  if (!existsSync(entry)) throw new Error(`Lambda entry ${props.module}.ts does not exist (construct ${id})`);

  // Operational logs only (the audit trail lives in the table), so they go with the stack.
  const logGroup = new LogGroup(scope, `${id}Logs`, {
    retention: RetentionDays.ONE_MONTH,
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const common = {
    description: props.module,
    runtime: Runtime.NODEJS_22_X,
    architecture: Architecture.ARM_64,
    memorySize: props.memorySize ?? 1024,
    timeout: props.timeout ?? Duration.seconds(10),
    logGroup,
    environment: { NODE_OPTIONS: '--enable-source-maps', ...props.environment },
  };

  if (!props.bundle) {
    return new NodejsFunction(scope, id, {
      ...common,
      code: Code.fromInline('export const handler = async () => { throw new Error("synthesized without bundling"); };'),
      handler: 'index.handler',
    });
  }
  return new NodejsFunction(scope, id, {
    ...common,
    entry,
    handler: 'handler',
    projectRoot,
    depsLockFilePath: join(projectRoot, 'package-lock.json'),
    bundling: {
      forceDockerBundling: false,
      format: OutputFormat.ESM,
      minify: true,
      sourceMap: true,
      target: 'node22',
      mainFields: ['module', 'main'],
      banner: esmRequireBanner,
    },
  });
}
