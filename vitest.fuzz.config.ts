import { defineConfig, mergeConfig } from 'vitest/config';
import base from './vitest.config.ts';

/** `npm run test:fuzz`: the OpenAPI fuzzer, kept out of `npm test` until its full run no longer stalls (see fuzz.run.ts). */
export default mergeConfig(base, defineConfig({ test: { include: ['test/proof/fuzz.run.ts'] } }));
