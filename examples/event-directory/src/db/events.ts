import type { DatabaseSync } from 'node:sqlite';
import { integerColumn, textColumn, type Row } from './rows.ts';

export interface EventRecord {
  readonly id: number;
  readonly name: string;
}

export interface EventRepository {
  create(name: string): EventRecord;
  list(): EventRecord[];
  exists(id: number): boolean;
}

export function createEventRepository(db: DatabaseSync): EventRepository {
  const insert = db.prepare('INSERT INTO events (name, created_at) VALUES (?, ?) RETURNING id, name');
  const selectAll = db.prepare('SELECT id, name FROM events ORDER BY id');
  const selectOne = db.prepare('SELECT 1 AS found FROM events WHERE id = ?');
  const toEvent = (row: Row): EventRecord => ({ id: integerColumn(row, 'id'), name: textColumn(row, 'name') });
  return {
    create: (name) => {
      const row = insert.get(name, new Date().toISOString());
      if (row === undefined) throw new Error('event insert returned no row');
      return toEvent(row);
    },
    list: () => selectAll.all().map(toEvent),
    exists: (id) => selectOne.get(id) !== undefined,
  };
}
