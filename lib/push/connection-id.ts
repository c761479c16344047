import { randomUUID } from 'node:crypto';

/**
 * A connection id: a random UUID as one flat string. Node builds `randomUUID()`
 * by concatenation, and V8 keeps that as a tree of about 15 cons strings
 * (~0.5 KiB per id in a heap snapshot) for as long as the connection lives;
 * a latin1 round trip copies it into 56 bytes.
 */
export function newConnectionId(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}
