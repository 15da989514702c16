// Human rendering of the flags commands' results: the column sets of `flags params` and
// `flags dump`, and the terraform-style diff of `flags sync`. Pure; colour comes in as a Style.

import type {Column} from '../output/table.js'
import type {Style} from '../output/style.js'
import {showControls} from '../output/style.js'
import {formatDefault, type ParameterDef} from '../parameters/registry.js'
import type {SettingChange} from './settings.js'
import type {SyncChange, SyncResult} from './sync.js'

export const PARAM_COLUMNS: readonly Column[] = [
  {key: 'name', header: 'NAME'},
  {key: 'scope', header: 'SCOPE'},
  {key: 'type', header: 'TYPE'},
  {key: 'default', header: 'DEFAULT'},
  {key: 'description', header: 'DESCRIPTION'},
]

/** The `--json` shape of `flags params`. */
export type ParamRow = {
  readonly name: string
  readonly scope: string
  readonly type: string
  readonly default: string
  readonly description: string
}

export const paramRow = (def: ParameterDef): ParamRow => ({
  name: def.name,
  scope: def.scope,
  type: def.type.name,
  default: formatDefault(def),
  description: def.description,
})

export const DUMP_COLUMNS: readonly Column[] = [
  {key: 'scope', header: 'SCOPE'},
  {key: 'object_name', header: 'OBJECT'},
  {key: 'name', header: 'NAME'},
  {key: 'value', header: 'VALUE'},
  {key: 'layer', header: 'LAYER'},
]

/** Rows of dropped objects have no name; show their id so the row can still be told apart. */
export const dumpTableRow = <R extends {object_id: string | null; object_name: string | null}>(
  row: R,
): R => ({
  ...row,
  object_name: row.object_name ?? (row.object_id === null ? '' : `${row.object_id} (dropped)`),
})

const REASONS: Record<NonNullable<SyncChange['reason']>, string> = {
  'object-dropped': '(object dropped)',
  'scoped-disabled': '(enable_scoped_system_parameters is off)',
}

/** `+ cluster s2 enable_eager_delta_joins = true`, `- replica u7 enable_lgalloc`, `~ environment x: a → b`. */
export function syncChangeLine(change: SyncChange, style: Style): string {
  const value = (text: string | null) => showControls(text ?? '')
  if (change.scope === 'environment') {
    return `${style.change('~')} environment ${change.name}: ${value(change.from)} → ${value(change.to)}`
  }
  const subject = `${change.scope} ${change.object_id}`
  switch (change.op) {
    case 'add':
      return `${style.add('+')} ${subject} ${change.name} = ${value(change.to)}`
    case 'update':
      return `${style.change('~')} ${subject} ${change.name}: ${value(change.from)} → ${value(change.to)}`
    case 'remove':
      return `${style.remove('-')} ${subject} ${change.name}${change.reason ? `  ${style.dim(REASONS[change.reason])}` : ''}`
  }
}

/** The closing line: `No changes.`, `Plan: …` (dry run) or `Applied: …`. */
export function syncSummaryLine(result: SyncResult): string {
  if (result.changes.length === 0) return 'No changes.'
  const {environment, added, updated, removed} = result.summary
  const scoped = result.dry_run
    ? `${added} to add, ${updated} to change, ${removed} to remove`
    : `${added} added, ${updated} changed, ${removed} removed`
  const env = `${environment} environment-wide change${environment === 1 ? '' : 's'}`
  return `${result.dry_run ? 'Plan' : 'Applied'}: ${scoped}; ${env}.`
}

export function syncLines(result: SyncResult, style: Style): string[] {
  return [...result.changes.map((change) => syncChangeLine(change, style)), syncSummaryLine(result)]
}

/**
 * One line per parameter of `flags set`/`flags unset` (a dry run prints the same lines). The target
 * follows "for", never "on": a value of `on` must not read as `= on on cluster …`.
 */
export function settingLine(change: SettingChange, style: Style): string {
  const where =
    change.scope === 'environment'
      ? 'environment-wide'
      : `for ${change.scope} ${showControls(change.object_name ?? '')} (${change.object_id})`
  if (!change.changed) {
    return change.value === null
      ? `${change.name} is not set ${where}; nothing to unset`
      : `${change.name} is already ${showControls(change.value)} ${where}`
  }
  if (change.value === null)
    return `${style.remove('-')} ${change.name} ${where} (was ${showControls(change.previous ?? '')})`
  return change.previous === null
    ? `${style.add('+')} ${change.name} = ${showControls(change.value)} ${where}`
    : `${style.change('~')} ${change.name}: ${showControls(change.previous)} → ${showControls(change.value)} ${where}`
}
