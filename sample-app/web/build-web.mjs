// Builds the sample app's pages: each page script bundled with the library's
// browser client (esbuild, ESM, no network), each page's HTML put into the one
// layout (header, indicator, sign-in form), and the stylesheet.
// `node sample-app/web/build-web.mjs [outdir]` (default dist/sample-app/web/public, where the app looks).
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = resolve(here, '../..');

/** Output name, URL path, title, page fragment (pages/<name>.html) and script (src/<name>.page.ts). */
const PAGES = [
  { file: 'index.html', path: '/', title: 'Desk', name: 'desk' },
  { file: 'admin.html', path: '/admin', title: 'Operator panel', name: 'admin' },
  { file: 'api.html', path: '/api', title: 'API', name: 'api' },
];

function html(layout, page) {
  const nav = PAGES.map((p) => `<a href="${p.path}"${p === page ? ' aria-current="page"' : ''}>${p.title}</a>`).join('');
  const fill = { title: page.title, nav, script: `${page.name}.page.js`, body: readFileSync(join(here, 'pages', `${page.name}.html`), 'utf8').trimEnd() };
  return layout.replace(/\{\{(\w+)\}\}/g, (_, key) => fill[key]);
}

export async function buildWeb(outdir = join(root, 'dist/sample-app/web/public')) {
  mkdirSync(outdir, { recursive: true });
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: PAGES.map((page) => join(here, 'src', `${page.name}.page.ts`)),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    outdir,
    logLevel: 'silent',
  });
  const layout = readFileSync(join(here, 'layout.html'), 'utf8');
  for (const page of PAGES) writeFileSync(join(outdir, page.file), html(layout, page));
  copyFileSync(join(here, 'styles.css'), join(outdir, 'styles.css'));
  return outdir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) console.log(`wrote ${await buildWeb(process.argv[2] ? resolve(process.argv[2]) : undefined)}`);
