/** Typed reads of node:sqlite result columns: a schema drift fails loudly instead of leaking `unknown`. */
import type { SQLOutputValue } from 'node:sqlite';

export type Row = Record<string, SQLOutputValue>;

export function integerColumn(row: Row, column: string): number {
  const value = row[column];
  if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw new TypeError(`column ${column} is not an integer`);
  return value;
}

export function textColumn(row: Row, column: string): string {
  const value = row[column];
  if (typeof value !== 'string') throw new TypeError(`column ${column} is not text`);
  return value;
}

export function optionalTextColumn(row: Row, column: string): string | null {
  const value = row[column];
  return value === null ? null : textColumn(row, column);
}

export function blobColumn(row: Row, column: string): Uint8Array {
  const value = row[column];
  if (!(value instanceof Uint8Array)) throw new TypeError(`column ${column} is not a blob`);
  return value;
}

/** `YYYY-MM-DD` in UTC: the only time precision the append-only logs keep. */
export function today(): string {
  return new Date().toISOString().slice(0, 10);
}
