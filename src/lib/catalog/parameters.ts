// Environment-wide system parameter values as stored (`system_parameters`), typed through the
// registry. A missing or unparseable stored value falls back to the registry default.

import {getParameter} from '../flags/registry.js'
import type {Queryable} from './db.js'

export class SystemParameters {
  constructor(private readonly stored: ReadonlyMap<string, string>) {}

  static async read(q: Queryable): Promise<SystemParameters> {
    const rows = await q.query<{name: string; value: string}>('SELECT name, value FROM mzcluster.system_parameters')
    return new SystemParameters(new Map(rows.map((row) => [row.name, row.value])))
  }

  /** The typed value of a registry parameter. */
  get<V>(name: string): V {
    const def = getParameter(name)
    if (!def) throw new Error(`unknown system parameter ${name}`)
    const raw = this.stored.get(name)
    if (raw !== undefined) {
      const parsed = def.parse(raw)
      if (parsed.ok) return parsed.value as V
    }
    return def.default as V
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
