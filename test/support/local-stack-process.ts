import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { freePort } from '#infra/local/dynamodb-local';

export interface RunningStack {
  url: string;
  output: () => string;
  dynamoPort: number;
  /** Sends the signal and waits for the process to exit; resolves with its exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
  child: ChildProcess;
}

/** Starts `infra/local/main.ts` exactly as `npm start` does, on a free port, and waits for its URL line. */
export async function startStackProcess(env: Record<string, string> = {}): Promise<RunningStack> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + 60_000;
  while (!output.includes('Pentad is running at')) {
    if (child.exitCode !== null) throw new Error(`the stack exited (${child.exitCode}):\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the stack did not start within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const dynamoPort = Number(/127\.0\.0\.1:(\d+)/.exec(output)?.[1]);
  return {
    url: `http://localhost:${port}`,
    output: () => output,
    dynamoPort,
    child,
    stop: (signal = 'SIGINT') =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill(signal);
      }),
  };
}

/** True while any process (java) still serves the given DynamoDB Local port. */
export function dynamoStillRunning(port: number): boolean {
  const out = spawnSync('pgrep', ['-f', `DynamoDBLocal.jar.*-port ${port} `], { encoding: 'utf8' });
  return out.stdout.trim().length > 0;
}
