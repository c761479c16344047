// The browser build of nestjs-json-rpc/client: one ESM file for <script type="module">
// (no bundler needed on the page). `node test/client/bundle/build-browser-bundle.mjs [outfile]`
// writes it (default dist/lib/client/json-rpc-client.browser.js); the size-budget test builds it in memory.
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** esbuild options: browser platform, so a Node-only import fails the build instead of slipping in. */
export function bundleOptions(outfile) {
  return {
    absWorkingDir: root,
    entryPoints: ['lib/client/index.ts'],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    legalComments: 'none',
    outfile,
    write: outfile !== undefined,
    logLevel: 'silent',
  };
}

/** Builds in memory; resolves with the bundle's text and the source files that went into it. */
export async function buildBrowserBundle() {
  const result = await esbuild.build({ ...bundleOptions(undefined), outfile: 'out.js', write: false, metafile: true });
  return { text: result.outputFiles[0].text, inputs: Object.keys(result.metafile.inputs) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const outfile = process.argv[2] ?? 'dist/lib/client/json-rpc-client.browser.js';
  await esbuild.build(bundleOptions(outfile));
  console.log(`wrote ${outfile}`);
}
