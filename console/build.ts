import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));

/** The console's static files by URL path (no leading slash): index.html, console/app.js, console/app.css. */
export type ConsoleFiles = Map<string, { body: string; type: string }>;

/**
 * Bundles console/src/main.ts (with ECharts, tree-shaken to the gauge, line and funnel series) into one ES module.
 * The same files are served by the local stack and uploaded by the CDK app; only console-config.json differs.
 */
export async function buildConsole(options: { minify?: boolean } = {}): Promise<ConsoleFiles> {
  const result = await build({
    entryPoints: [join(here, 'src/main.ts')],
    bundle: true,
    format: 'esm',
    target: 'es2022',
    platform: 'browser',
    minify: options.minify ?? true,
    sourcemap: false,
    write: false,
    legalComments: 'none',
    logLevel: 'silent',
  });
  const files: ConsoleFiles = new Map();
  files.set('index.html', { body: readFileSync(join(here, 'index.html'), 'utf8'), type: 'text/html; charset=utf-8' });
  files.set('console/app.css', { body: readFileSync(join(here, 'styles.css'), 'utf8'), type: 'text/css; charset=utf-8' });
  files.set('console/app.js', { body: result.outputFiles[0]!.text, type: 'text/javascript; charset=utf-8' });
  return files;
}
