// The replica size map in the catalog: listing it, and importing a validated set of sizes either
// merged into it (upsert) or replacing it whole. A replace never removes a size something still
// uses; every import is one transaction with its audit event.

import {appendAudit, notifyCatalogChange} from '../catalog/audit.js'
import type {Db, Queryable} from '../catalog/db.js'
import type {StoredSize} from '../catalog/sizes.js'
import {deleteSizes, selectSizeUses, selectSizes, upsertSizes} from '../catalog/sizes.js'
import type {WriteStep} from '../catalog/write-step.js'
import {runWrite} from '../catalog/write-step.js'
import {UsageError} from '../errors.js'
import type {Style} from '../output/style.js'
import {showControls} from '../output/style.js'
import type {SizeSpec} from './size-file.js'

/** `size list --json` element; also the array format `size import` reads back. */
export type SizeJson = Omit<StoredSize, 'sort_order'>

/** The size map in display order. */
export async function listSizes(q: Queryable): Promise<SizeJson[]> {
  return (await selectSizes(q)).map(({sort_order: _order, ...size}) => size)
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

/** What an import will write: the outcome per size, the rows to upsert and the names to remove. */
export interface SizeImportPlan {
  readonly result: SizeImportResult
  readonly writes: readonly StoredSize[]
}

/** Import `sizes` into the map; nothing is written when nothing changes. */
export function importSizesStep(
  sizes: readonly SizeSpec[],
  options: SizeImportOptions = {},
): WriteStep<SizeImportPlan, SizeImportResult> {
  return {
    async prepare(q) {
      const existing = new Map((await selectSizes(q)).map((size) => [size.name, size]))
      const incoming = new Set(sizes.map((size) => size.name))
      const result: SizeImportResult = {added: [], updated: [], removed: [], unchanged: []}
      let nextOrder = Math.max(-1, ...[...existing.values()].map((size) => size.sort_order)) + 1
      const writes: StoredSize[] = []
      sizes.forEach((size, index) => {
        const current = existing.get(size.name)
        // A replace adopts the file's order; a merge keeps known sizes in place and appends new ones.
        const order = options.replace ? index : (current?.sort_order ?? nextOrder++)
        if (current === undefined) result.added.push(size.name)
        else if (!sameSize(current, size)) result.updated.push(size.name)
        else result.unchanged.push(size.name)
        // A position change alone is written but is not an update of the size.
        if (current === undefined || !sameSize(current, size) || current.sort_order !== order)
          writes.push(storedSize(size, order))
      })
      if (options.replace) result.removed = [...existing.keys()].filter((name) => !incoming.has(name))
      if (result.removed.length > 0) await refuseRemovingSizesInUse(q, result.removed)
      return {result, writes}
    },
    async apply(tx, {result, writes}) {
      if (result.removed.length > 0) await deleteSizes(tx, result.removed)
      await upsertSizes(tx, writes)
      if (result.added.length + result.updated.length + result.removed.length > 0) {
        const details = {added: result.added, updated: result.updated, removed: result.removed}
        await appendAudit(tx, [{eventType: 'alter', objectType: 'replica-size', details}], options.nowMs)
        await notifyCatalogChange(tx, 'replica-sizes')
      }
      return result
    },
  }
}

/** Writes `sizes` into the map in one transaction; nothing is written when nothing changes. */
export async function importSizes(
  db: Db,
  sizes: readonly SizeSpec[],
  options: SizeImportOptions = {},
): Promise<SizeImportResult> {
  return runWrite(db, importSizesStep(sizes, options))
}

const sameSize = (current: SizeJson, size: SizeSpec): boolean =>
  current.family === size.family &&
  current.workers === size.workers &&
  current.processes === size.processes &&
  current.memory_bytes === size.memoryBytes &&
  current.credits_per_hour === size.creditsPerHour &&
  current.disabled === size.disabled

const storedSize = (size: SizeSpec, order: number): StoredSize => ({
  name: size.name,
  family: size.family,
  workers: size.workers,
  processes: size.processes,
  memory_bytes: size.memoryBytes,
  credits_per_hour: size.creditsPerHour,
  disabled: size.disabled,
  sort_order: order,
})

async function refuseRemovingSizesInUse(q: Queryable, removed: readonly string[]): Promise<void> {
  const uses = await selectSizeUses(q, removed)
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

const plural = (n: number): string => `${n} size${n === 1 ? '' : 's'}`

/** The one-line summary of an import (the confirmation, or a dry run's closing line). */
export function sizeImportLine(result: SizeImportResult, options: {dryRun: boolean}): string {
  const given = result.added.length + result.updated.length + result.unchanged.length
  const changed = result.added.length + result.updated.length + result.removed.length
  if (changed === 0) return `Size map unchanged (${plural(given)} already as given).`
  const counts = `${result.added.length} added, ${result.updated.length} updated, ${result.removed.length} removed`
  return options.dryRun
    ? `Would import ${plural(given)}: ${counts}.`
    : `Imported ${plural(given)}: ${counts}.`
}

/** A dry run of `size import`: each size that would be added, updated or removed, then the summary. */
export function sizeImportLines(result: SizeImportResult, style: Style): string[] {
  return [
    ...result.added.map((name) => `  ${style.add('+')} size ${showControls(name)}`),
    ...result.updated.map((name) => `  ${style.change('~')} size ${showControls(name)}`),
    ...result.removed.map((name) => `  ${style.remove('-')} size ${showControls(name)}`),
    sizeImportLine(result, {dryRun: true}),
  ]
}
