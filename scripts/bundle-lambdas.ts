/**
 * `npm run build:lambda`: bundles each Lambda handler with esbuild (the local devDependency, no
 * Docker) into its own file, dist-lambda/<name>/index.mjs, exporting `handler`. ES modules for
 * Node 20 and later (the stack deploys Node.js 22); the AWS SDK and Powertools are bundled in, so a
 * function runs the versions it was tested with, not the runtime's.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildResult, build } from 'esbuild';
import { LAMBDA_HANDLER_NAMES } from '../src/core/deployment.js';

export const LAMBDA_HANDLERS = LAMBDA_HANDLER_NAMES;

const ROOT = fileURLToPath(new URL('../', import.meta.url));

/** Bundles every handler into `outDir` (default dist-lambda/), replacing what was there. */
export async function bundleLambdas(outDir = join(ROOT, 'dist-lambda')): Promise<BuildResult> {
  rmSync(outDir, { recursive: true, force: true });
  return build({
    entryPoints: LAMBDA_HANDLERS.map((name) => ({
      in: join(ROOT, 'src', 'lambda', `${name}.ts`),
      out: `${name}/index`,
    })),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // CommonJS dependencies inside an ES module bundle still call require().
    banner: {
      js: "import { createRequire as __kwCreateRequire } from 'node:module';\nconst require = __kwCreateRequire(import.meta.url);",
    },
    legalComments: 'none',
    sourcemap: false,
    metafile: true,
    logLevel: 'warning',
  });
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const result = await bundleLambdas();
  for (const [file, { bytes }] of Object.entries(result.metafile?.outputs ?? {})) {
    process.stdout.write(`${file}  ${(bytes / 1024).toFixed(0)} KiB\n`);
  }
}
