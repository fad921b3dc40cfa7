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

/**
 * Starts `infra/local/main.ts` exactly as `npm start` does, on a free port, and waits for its URL line (up to 3
 * minutes: a first start seeds the demo, which on a loaded 2-core machine takes a while).
 */
export async function startStackProcess(env: Record<string, string> = {}, startTimeoutMs = 180_000): Promise<RunningStack> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'infra/local/main.ts'], {
    env: { ...process.env, PORT: String(port), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const deadline = Date.now() + startTimeoutMs;
  while (!output.includes('Pentad is running at')) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the stack exited (${child.exitCode ?? child.signalCode}):\n${output}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`the stack did not start within ${startTimeoutMs / 1000} s:\n${output}`);
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
        // A process ended by a signal has exitCode null and signalCode set: it has exited all the same.
        if (child.exitCode !== null || child.signalCode !== null) return resolve(child.exitCode);
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

export interface StackResponse {
  status: number;
  body: any;
  headers: Headers;
}

/** Real HTTP against a running stack, as a seeded user: one token per user from POST /dev/token, kept for the stack's life. */
export function stackClient(stack: RunningStack) {
  const tokens = new Map<string, Promise<string>>();
  const tokenOf = (userId: string) => {
    let token = tokens.get(userId);
    if (!token) {
      token = fetch(`${stack.url}/dev/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ userId }) })
        .then((res) => res.json())
        .then((json: { token: string }) => json.token);
      tokens.set(userId, token);
    }
    return token;
  };
  return async (method: string, path: string, options: { as?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<StackResponse> => {
    const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
    if (options.as) headers.authorization = `Bearer ${await tokenOf(options.as)}`;
    const res = await fetch(stack.url + path, { method, headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
  };
}

/** kill -9, as a power cut would; resolves once DynamoDB Local went down with it (its watchdog stops it), so the data folder is free. */
export async function crash(stack: RunningStack): Promise<number | null> {
  const code = await stack.stop('SIGKILL');
  const deadline = Date.now() + 20_000;
  while (dynamoStillRunning(stack.dynamoPort)) {
    if (Date.now() > deadline) throw new Error(`DynamoDB Local on port ${stack.dynamoPort} still runs 20 s after the stack was killed`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return code;
}
