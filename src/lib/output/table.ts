// Row output for list commands: an aligned, borderless table on a terminal (kubectl/gh look) and
// tab-separated values with a header line when piped. The only module that imports cli-table3.
//
// TSV format: the first line holds the column headers; then one record per line, fields separated
// by a tab, never truncated. Inside a field a backslash is written `\\`, a tab `\t`, a newline
// `\n` and a carriage return `\r`, so a record is always exactly one line (`cut`, `awk -F'\t'`
// and `while IFS=$'\t' read` work on any value).

import {createRequire} from 'node:module'
import type TableConstructor from 'cli-table3'

import {jsonSafe} from './json.js'
import {makeStyle, showControls} from './style.js'

export interface Column {
  /** The row property rendered in this column. */
  readonly key: string
  readonly header: string
  readonly align?: 'left' | 'right'
}

export type Row = Readonly<Record<string, unknown>>

export interface RenderOptions {
  /** stdout is a terminal: render a table rather than TSV. */
  readonly tty: boolean
  /** The colour decision (style.ts); only the table header is coloured. */
  readonly color: boolean
}

/**
 * A value as text: null/undefined → empty; booleans → true/false; arrays → comma-joined items;
 * Date → RFC 3339; bigint/number → decimal; other objects → compact JSON.
 */
export function formatCell(value: unknown): string {
  if (value === null || value === undefined) return ''
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint')
    return String(value)
  if (value instanceof Date) return value.toISOString()
  if (Array.isArray(value)) return value.map((item) => formatCell(item)).join(',')
  return JSON.stringify(jsonSafe(value))
}

/** TSV field escaping (see the module comment). */
export function escapeTsv(text: string): string {
  return text.replace(/[\\\t\n\r]/g, (ch) => TSV_ESCAPES[ch] ?? ch)
}

const TSV_ESCAPES: Record<string, string> = {'\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r'}

const NO_BORDERS = {
  top: '',
  'top-mid': '',
  'top-left': '',
  'top-right': '',
  bottom: '',
  'bottom-mid': '',
  'bottom-left': '',
  'bottom-right': '',
  left: '',
  'left-mid': '',
  mid: '',
  'mid-mid': '',
  right: '',
  'right-mid': '',
  middle: '  ',
}

/** Renders rows as a table (TTY) or TSV (piped). No trailing newline. */
export function renderRows(columns: readonly Column[], rows: readonly Row[], options: RenderOptions): string {
  if (!options.tty) {
    const lines = [columns.map((column) => escapeTsv(column.header))]
    for (const row of rows) lines.push(columns.map((column) => escapeTsv(formatCell(row[column.key]))))
    return lines.map((fields) => fields.join('\t')).join('\n')
  }
  const style = makeStyle(options.color)
  // Loaded only when a table is drawn (a terminal): piped and JSON output never pay for it.
  const Table = createRequire(import.meta.url)('cli-table3') as typeof TableConstructor
  const table = new Table({
    head: columns.map((column) => style.bold(showControls(column.header))),
    colAligns: columns.map((column) => column.align ?? 'left'),
    chars: NO_BORDERS,
    // Empty head/border styles: cli-table3 would otherwise colour them even when piped.
    style: {head: [], border: [], 'padding-left': 0, 'padding-right': 0},
  })
  for (const row of rows) table.push(columns.map((column) => showControls(formatCell(row[column.key]))))
  return table
    .toString()
    .split('\n')
    .map((line) => line.trimEnd())
    .join('\n')
}
