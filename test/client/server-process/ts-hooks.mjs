// Node module hooks that run the TypeScript test fixtures in a child process
// (the kill -9 tests need a server they can kill): NodeNext ".js" specifiers
// resolve to the ".ts" sources, which swc transforms exactly as jest does.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import swc from '@swc/core';
import jestConfig from '../../jest.config.js';

/** The very options jest transforms with, so the child process runs the same code. */
const SWC_OPTIONS = jestConfig.transform['^.+\\.ts$'][1];

export async function resolve(specifier, context, next) {
  if (specifier.endsWith('.js') && context.parentURL?.startsWith('file:') && (specifier.startsWith('.') || specifier.startsWith('file:'))) {
    const url = new URL(specifier, context.parentURL);
    const ts = new URL(url.href.replace(/\.js$/, '.ts'));
    if (!existsSync(url) && existsSync(ts)) return { url: ts.href, format: 'module', shortCircuit: true };
  }
  return next(specifier, context);
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return next(url, context);
  const filename = fileURLToPath(url);
  const { code } = await swc.transform(await readFile(filename, 'utf8'), { ...SWC_OPTIONS, filename, sourceMaps: false });
  return { format: 'module', source: code, shortCircuit: true };
}
