import type { AbstractHttpAdapter } from '@nestjs/core';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JsonBodyLimits } from './json-body.reader.js';

/** What a platform seam installs: `POST {path}`, its body limits, and who answers a body read in full; `GET {path}` when `describe` is set. */
export interface HttpEndpoint {
  readonly path: string;
  readonly body: JsonBodyLimits;
  answer(req: IncomingMessage, res: ServerResponse, body: Buffer): void;
  /** Answers `GET {path}` (the discovery document); undefined when discovery is off. */
  readonly describe?: (req: IncomingMessage, res: ServerResponse) => void;
}

/** Nest's HTTP adapter, as a seam receives it; the platforms' own types stay out (both are optional peers). */
export type HttpAdapter = AbstractHttpAdapter;
