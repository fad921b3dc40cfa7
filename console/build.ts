import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, buildSync, type BuildOptions } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** The console's static files by URL path (no leading slash): index.html, favicon.ico, console/app.js, console/app.css. */
export type ConsoleFiles = Map<string, { body: string | Uint8Array<ArrayBuffer>; type: string }>;

const options = (minify: boolean): BuildOptions => ({
  entryPoints: [join(here, 'src/main.ts')],
  bundle: true,
  format: 'esm',
  target: 'es2022',
  platform: 'browser',
  minify,
  sourcemap: false,
  write: false,
  legalComments: 'none',
  logLevel: 'silent',
});

function files(js: string): ConsoleFiles {
  const out: ConsoleFiles = new Map();
  out.set('index.html', { body: readFileSync(join(here, 'index.html'), 'utf8'), type: 'text/html; charset=utf-8' });
  // Browsers ask for /favicon.ico on their own; without it every page load logs a 404.
  out.set('favicon.ico', { body: new Uint8Array(readFileSync(join(here, 'favicon.ico'))), type: 'image/x-icon' });
  out.set('console/app.css', { body: readFileSync(join(here, 'styles.css'), 'utf8'), type: 'text/css; charset=utf-8' });
  out.set('console/app.js', { body: js, type: 'text/javascript; charset=utf-8' });
  return out;
}

/**
 * Bundles console/src/main.ts (with ECharts, tree-shaken to the gauge, line and funnel series) into one ES module.
 * The same files are served by the local stack and uploaded by the CDK app; only console-config.json differs.
 */
export async function buildConsole(minify = true): Promise<ConsoleFiles> {
  const result = await build(options(minify));
  return files(result.outputFiles![0]!.text);
}

/** The same build, synchronously into a folder (the CDK app uploads it to the console bucket at synth). */
export function writeConsoleSync(dir: string): string {
  const result = buildSync(options(true));
  for (const [path, file] of files(result.outputFiles![0]!.text)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), file.body);
  }
  return dir;
}
