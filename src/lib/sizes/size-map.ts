// The replica size map in the catalog: listing it, and importing a validated set of sizes either
// merged into it (upsert) or replacing it whole. A replace never removes a size something still
// uses; every import is one transaction with its audit event.

import {appendAudit, notifyCatalogChange} from '../catalog/audit.js'
import type {Db, Queryable} from '../catalog/db.js'
import {UsageError} from '../errors.js'
import type {SizeSpec} from './size-file.js'

/** `size list --json` element; also the array format `size import` reads back. */
export interface SizeJson {
  name: string
  family: string
  workers: number
  processes: number
  memory_bytes: number
  credits_per_hour: number
  disabled: boolean
}

interface StoredSize extends SizeJson {
  sort_order: number
}

const SELECT_SIZES = `SELECT name, family, workers, processes, memory_bytes, credits_per_hour::text AS credits_per_hour, disabled, sort_order
  FROM mzcluster.replica_sizes ORDER BY sort_order, name`

async function storedSizes(q: Queryable): Promise<StoredSize[]> {
  const rows = await q.query(SELECT_SIZES)
  return rows.map((row) => ({
    name: String(row.name),
    family: String(row.family),
    workers: Number(row.workers),
    processes: Number(row.processes),
    memory_bytes: Number(row.memory_bytes),
    credits_per_hour: Number(row.credits_per_hour),
    disabled: Boolean(row.disabled),
    sort_order: Number(row.sort_order),
  }))
}

/** The size map in display order. */
export async function listSizes(q: Queryable): Promise<SizeJson[]> {
  return (await storedSizes(q)).map(({sort_order: _order, ...size}) => size)
}

export interface SizeImportResult {
  added: string[]
  updated: string[]
  removed: string[]
  unchanged: string[]
}

export interface SizeImportOptions {
  /** Replace the whole map: sizes not in the import are removed (refused while in use). */
  readonly replace?: boolean
  readonly nowMs?: number
}

/** Writes `sizes` into the map in one transaction; nothing is written when nothing changes. */
export async function importSizes(
  db: Db,
  sizes: readonly SizeSpec[],
  options: SizeImportOptions = {},
): Promise<SizeImportResult> {
  return db.transaction(async (tx) => {
    const existing = new Map((await storedSizes(tx)).map((size) => [size.name, size]))
    const incoming = new Set(sizes.map((size) => size.name))
    const result: SizeImportResult = {added: [], updated: [], removed: [], unchanged: []}
    let nextOrder = Math.max(-1, ...[...existing.values()].map((size) => size.sort_order)) + 1
    const writes: {size: SizeSpec; order: number}[] = []
    sizes.forEach((size, index) => {
      const current = existing.get(size.name)
      // A replace adopts the file's order; a merge keeps known sizes in place and appends new ones.
      const order = options.replace ? index : (current?.sort_order ?? nextOrder++)
      if (current === undefined) result.added.push(size.name)
      else if (!sameSize(current, size)) result.updated.push(size.name)
      else result.unchanged.push(size.name)
      // A position change alone is written but is not an update of the size.
      if (current === undefined || !sameSize(current, size) || current.sort_order !== order)
        writes.push({size, order})
    })
    if (options.replace) result.removed = [...existing.keys()].filter((name) => !incoming.has(name))
    if (result.removed.length > 0) {
      await refuseRemovingSizesInUse(tx, result.removed)
      await tx.query('DELETE FROM mzcluster.replica_sizes WHERE name = ANY($1)', [result.removed])
    }
    if (writes.length > 0) await upsertSizes(tx, writes)
    if (result.added.length + result.updated.length + result.removed.length > 0) {
      const details = {added: result.added, updated: result.updated, removed: result.removed}
      await appendAudit(tx, [{eventType: 'alter', objectType: 'replica-size', details}], options.nowMs)
      await notifyCatalogChange(tx, 'replica-sizes')
    }
    return result
  })
}

const sameSize = (current: SizeJson, size: SizeSpec): boolean =>
  current.family === size.family &&
  current.workers === size.workers &&
  current.processes === size.processes &&
  current.memory_bytes === size.memoryBytes &&
  current.credits_per_hour === size.creditsPerHour &&
  current.disabled === size.disabled

async function upsertSizes(tx: Queryable, writes: readonly {size: SizeSpec; order: number}[]): Promise<void> {
  const params: unknown[] = []
  const values = writes.map(({size, order}) => {
    const base = params.length
    params.push(
      size.name,
      size.family,
      size.workers,
      size.processes,
      size.memoryBytes,
      String(size.creditsPerHour),
      size.disabled,
      order,
    )
    return `(${Array.from({length: 8}, (_, i) => `$${base + i + 1}`).join(', ')})`
  })
  await tx.query(
    `INSERT INTO mzcluster.replica_sizes (name, family, workers, processes, memory_bytes, credits_per_hour, disabled, sort_order)
     VALUES ${values.join(', ')}
     ON CONFLICT (name) DO UPDATE SET family = EXCLUDED.family, workers = EXCLUDED.workers, processes = EXCLUDED.processes,
       memory_bytes = EXCLUDED.memory_bytes, credits_per_hour = EXCLUDED.credits_per_hour, disabled = EXCLUDED.disabled,
       sort_order = EXCLUDED.sort_order`,
    params,
  )
}

/** Every use of a size that must survive: cluster size, hydration size, in-flight or burst size, replica size. */
const SIZE_USES = `
  SELECT size, 'cluster ' || to_jsonb(name)::text || ' (size)' AS user_of FROM mzcluster.clusters WHERE size = ANY($1)
  UNION ALL
  SELECT auto_scaling_strategy->'on_hydration'->>'hydration_size', 'cluster ' || to_jsonb(name)::text || ' (hydration size)'
    FROM mzcluster.clusters WHERE auto_scaling_strategy->'on_hydration'->>'hydration_size' = ANY($1)
  UNION ALL
  SELECT reconfiguration->'target'->>'size', 'cluster ' || to_jsonb(name)::text || ' (reconfiguration target)'
    FROM mzcluster.clusters WHERE reconfiguration->>'status' = 'in-progress' AND reconfiguration->'target'->>'size' = ANY($1)
  UNION ALL
  SELECT burst->>'burst_size', 'cluster ' || to_jsonb(name)::text || ' (hydration burst)'
    FROM mzcluster.clusters WHERE burst->>'burst_size' = ANY($1)
  UNION ALL
  SELECT r.size, 'replica ' || to_jsonb(c.name || '.' || r.name)::text
    FROM mzcluster.replicas r JOIN mzcluster.clusters c ON c.id = r.cluster_id WHERE r.size = ANY($1)`

async function refuseRemovingSizesInUse(tx: Queryable, removed: readonly string[]): Promise<void> {
  const uses = await tx.query<{size: string; user_of: string}>(SIZE_USES, [removed])
  const first = uses[0]
  if (first === undefined) return
  const sizes = [...new Set(uses.map((use) => use.size))]
  const more = uses.length > 1 ? ` and ${uses.length - 1} more use${uses.length > 2 ? 's' : ''}` : ''
  throw new UsageError(
    `cannot replace the size map: it would remove ${sizes.map((size) => JSON.stringify(size)).join(', ')}, in use by ${first.user_of}${more}`,
    {
      code: 'SIZE_IN_USE',
      hint: 'keep those sizes in the file (add "disabled": true to stop new use), or import without --replace to merge',
    },
  )
}
