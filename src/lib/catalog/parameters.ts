// Environment-wide system parameter values as stored (`system_parameters`): the reads and writes
// of that table, and `SystemParameters`, the typed view every consumer reads a setting through
// (registry and resolver in src/lib/parameters).

import {getParameter} from '../parameters/registry.js'
import {environmentValue} from '../parameters/resolve.js'
import type {Queryable} from './db.js'

/** Every stored environment-wide value, raw (absent parameters are at their default). */
export async function readSystemParameterValues(q: Queryable): Promise<Map<string, string>> {
  const rows = await q.query<{name: string; value: string}>('SELECT name, value FROM mzcluster.system_parameters')
  return new Map(rows.map((row) => [row.name, row.value]))
}

/** Upsert the non-null values and delete the null ones (reset to the default): two statements at most. */
export async function writeSystemParameterValues(
  q: Queryable,
  values: ReadonlyMap<string, string | null>,
  nowMs: number,
): Promise<void> {
  const upserts = [...values].filter((entry): entry is [string, string] => entry[1] !== null)
  const resets = [...values].filter(([, value]) => value === null).map(([name]) => name)
  if (upserts.length > 0) {
    await q.query(
      `INSERT INTO mzcluster.system_parameters (name, value, updated_at)
       SELECT n, v, $3 FROM unnest($1::text[], $2::text[]) AS u(n, v)
       ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
      [upserts.map(([name]) => name), upserts.map(([, value]) => value), nowMs],
    )
  }
  if (resets.length > 0)
    await q.query('DELETE FROM mzcluster.system_parameters WHERE name = ANY($1::text[])', [resets])
}

export class SystemParameters {
  constructor(private readonly stored: ReadonlyMap<string, string>) {}

  static async read(q: Queryable): Promise<SystemParameters> {
    return new SystemParameters(await readSystemParameterValues(q))
  }

  /** The typed value of a registry parameter (stored if it parses, else the default). */
  get<V>(name: string): V {
    const def = getParameter(name)
    if (!def) throw new Error(`unknown system parameter ${name}`)
    return environmentValue<V>(def, this.stored.get(name))
  }

  bool(name: string): boolean {
    return this.get<boolean>(name)
  }

  number(name: string): number {
    return this.get<number>(name)
  }

  string(name: string): string {
    return this.get<string>(name)
  }

  /** The stored raw values (only those set environment-wide). */
  get raw(): ReadonlyMap<string, string> {
    return this.stored
  }
}
