import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadMigrations, migrate } from '../../src/db/migrate.js';
import { openTestDb } from '../helpers/harness.js';

test('migrations apply once; a second run applies nothing', async () => {
  const { db, drop } = await openTestDb();
  try {
    const all = await loadMigrations();
    assert.ok(all.length >= 1);
    assert.deepEqual(
      await migrate(db),
      all.map((m) => m.version),
    );
    assert.deepEqual(await migrate(db), []);
  } finally {
    await drop();
  }
});

test('instances migrating at the same moment apply each migration exactly once', async () => {
  const { db, drop } = await openTestDb();
  try {
    const results = await Promise.all([migrate(db), migrate(db), migrate(db)]);
    const applied = results.flat();
    const all = await loadMigrations();
    assert.deepEqual(applied.sort(), all.map((m) => m.version).sort());
  } finally {
    await drop();
  }
});

test('after the migrations no table has two indexes on the same columns', async () => {
  const { db, drop } = await openTestDb();
  try {
    await migrate(db);
    const indexes = await db.query<{ name: string; definition: string }>(
      `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
       WHERE schemaname = current_schema()`,
    );
    const byShape = new Map<string, string[]>();
    for (const { name, definition } of indexes) {
      // The definition without the index's own name: what it indexes, and how.
      const shape = definition.replace(/ INDEX \S+ ON /, ' INDEX ON ');
      byShape.set(shape, [...(byShape.get(shape) ?? []), name]);
    }
    const duplicates = [...byShape.values()].filter((names) => names.length > 1);
    assert.deepEqual(duplicates, []);
  } finally {
    await drop();
  }
});
