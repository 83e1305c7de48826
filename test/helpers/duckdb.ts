import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { DuckDBInstance, DuckDBListValue, DuckDBStructValue, DuckDBTimestampTZValue, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import { BIN } from './cli.js';
import { REPO } from './paths.js';

/**
 * Runs `teardown ARGS` in the repository with stdout going to the file `out`, as
 * `teardown ... > out` does (Parquet is binary: no text to collect). Returns the exit
 * code and stderr.
 */
export function teardownTo(out: string, args: string[]): Promise<{ code: number; stderr: string }> {
  const fd = openSync(out, 'w');
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: REPO, stdio: ['ignore', fd, 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => {
      closeSync(fd);
      resolve({ code: code ?? -1, stderr });
    });
  });
}

/** A fresh in-memory DuckDB: one per test, so no view or setting of another test leaks in. */
export async function duckdb(): Promise<DuckDBConnection> {
  return (await DuckDBInstance.create(':memory:')).connect();
}

export interface Result {
  columns: string[];
  /** DuckDB's names of the column types: `BIGINT`, `STRUCT("ip" VARCHAR, "port" INTEGER)`. */
  types: string[];
  rows: Record<string, Plain>[];
}

/** A DuckDB value as plain JavaScript: BIGINT as bigint, a timestamp as its microseconds since the epoch, a struct as an object. */
export type Plain = null | boolean | number | bigint | string | Micros | Plain[] | { [key: string]: Plain };

/** A TIMESTAMP WITH TIME ZONE (microseconds since the epoch), kept apart from BIGINT. */
export class Micros {
  constructor(readonly micros: bigint) {}
}

export async function query(db: DuckDBConnection, sql: string): Promise<Result> {
  const reader = await db.runAndReadAll(sql);
  return {
    columns: reader.columnNames(),
    types: reader.columnTypes().map(String),
    rows: reader.getRowObjects().map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)]))),
  };
}

function plain(v: DuckDBValue): Plain {
  if (v instanceof DuckDBListValue) return v.items.map(plain);
  if (v instanceof DuckDBStructValue) return Object.fromEntries(Object.entries(v.entries).map(([k, x]) => [k, plain(x)]));
  if (v instanceof DuckDBTimestampTZValue) return new Micros(v.micros);
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'bigint' || typeof v === 'string') return v;
  throw new Error(`a DuckDB value of a type these tests do not read: ${String(v)}`);
}
