import { Controller, Get, Header, NotFoundException, Param, StreamableFile } from '@nestjs/common';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';

/** Where `build-web.mjs` writes the pages: beside this file once built (`npm run build`), or `WEB_DIR`. */
const WEB_DIR = process.env['WEB_DIR'] ?? join(import.meta.dirname, 'public');

const TYPES: Record<string, string> = { '.map': 'application/json', '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };

/**
 * Serves the three pages and their assets from memory. Only files present at
 * start are served, looked up by exact name: no path from a URL reaches the disk.
 */
@Controller()
export class WebController {
  private readonly files = new Map<string, { type: string; body: Buffer }>();

  constructor() {
    if (!existsSync(WEB_DIR)) return;
    for (const name of readdirSync(WEB_DIR)) {
      const type = TYPES[extname(name)];
      if (type) this.files.set(name, { type, body: readFileSync(join(WEB_DIR, name)) });
    }
  }

  @Get()
  desk(): StreamableFile {
    return this.file('index.html');
  }

  @Get('admin')
  admin(): StreamableFile {
    return this.file('admin.html');
  }

  @Get('api')
  api(): StreamableFile {
    return this.file('api.html');
  }

  @Get('assets/:name')
  @Header('cache-control', 'no-cache')
  asset(@Param('name') name: string): StreamableFile {
    return this.file(name);
  }

  private file(name: string): StreamableFile {
    const file = this.files.get(name);
    if (!file) throw new NotFoundException(this.files.size ? `${name} not found` : 'The pages are not built: run `npm run build` (or `npm start`)');
    return new StreamableFile(file.body, { type: file.type, length: file.body.length });
  }
}
