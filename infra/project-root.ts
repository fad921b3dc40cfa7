import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root: entries, ASL files and the lockfile are all named relative to it. */
export const projectRoot = fileURLToPath(new URL('..', import.meta.url));
