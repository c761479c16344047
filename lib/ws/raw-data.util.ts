import type { RawData } from 'ws';

/** A frame's bytes as text; binary frames are read as UTF-8 JSON too. */
export function rawDataToText(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
