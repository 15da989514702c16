// Row output for list commands: an aligned, borderless table on a terminal (kubectl/gh look) and
// tab-separated values with a header line when piped. The only module that imports cli-table3.
//
// On a terminal the table fits its width: the widest free-text column (any column not
// right-aligned, unless it says `shrink: false`) gives up cells and its values are cut with `…`,
// so a row never wraps. Piped output is never cut.
//
// TSV format: the first line holds the column headers; then one record per line, fields separated
// by a tab, never truncated. Inside a field a backslash is written `\\`, a tab `\t`, a newline
// `\n` and a carriage return `\r`, so a record is always exactly one line (`cut`, `awk -F'\t'`
// and `while IFS=$'\t' read` work on any value).

import {createRequire} from 'node:module'
import type TableConstructor from 'cli-table3'

import {cutToWidth, displayWidth, fitColumnWidths} from './fit.js'
import {jsonSafe} from './json.js'
import {makeStyle, showControls} from './style.js'

export interface Column {
  /** The row property rendered in this column. */
  readonly key: string
  readonly header: string
  readonly align?: 'left' | 'right'
  /** Whether values may be cut to fit the terminal; default: true unless right-aligned. */
  readonly shrink?: boolean
}

export type Row = Readonly<Record<string, unknown>>

export interface RenderOptions {
  /** stdout is a terminal: render a table rather than TSV. */
  readonly tty: boolean
  /** The colour decision (style.ts); only the table header is coloured. */
  readonly color: boolean
  /** The terminal's width in cells (`process.stdout.columns`); absent: no limit. */
  readonly width?: number
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

/** The space between two columns of a table. */
const GAP = '  '

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
  middle: GAP,
}

/** Renders rows as a table (TTY) or TSV (piped). No trailing newline. */
export function renderRows(columns: readonly Column[], rows: readonly Row[], options: RenderOptions): string {
  if (!options.tty) {
    const lines = [columns.map((column) => escapeTsv(column.header))]
    for (const row of rows) lines.push(columns.map((column) => escapeTsv(formatCell(row[column.key]))))
    return lines.map((fields) => fields.join('\t')).join('\n')
  }
  const style = makeStyle(options.color)
  const headers = columns.map((column) => showControls(column.header))
  let cells = rows.map((row) => columns.map((column) => showControls(formatCell(row[column.key]))))
  const width = options.width
  if (width !== undefined && width > 0) {
    const widths = fitColumnWidths(
      columns.map((column, i) => ({
        natural: Math.max(displayWidth(headers[i] ?? ''), ...cells.map((line) => displayWidth(line[i] ?? ''))),
        header: displayWidth(headers[i] ?? ''),
        shrinkable: column.shrink ?? column.align !== 'right',
      })),
      width,
      GAP.length,
    )
    cells = cells.map((line) => line.map((cell, i) => cutToWidth(cell, widths[i] ?? cell.length)))
  }
  // Loaded only when a table is drawn (a terminal): piped and JSON output never pay for it.
  const Table = createRequire(import.meta.url)('cli-table3') as typeof TableConstructor
  const table = new Table({
    head: headers.map((header) => style.bold(header)),
    colAligns: columns.map((column) => column.align ?? 'left'),
    chars: NO_BORDERS,
    // Empty head/border styles: cli-table3 would otherwise colour them even when piped.
    style: {head: [], border: [], 'padding-left': 0, 'padding-right': 0},
  })
  for (const line of cells) table.push(line)
  return table
    .toString()
    .split('\n')
    .map((line) => fitLine(line.trimEnd(), width))
    .join('\n')
}


// eslint-disable-next-line no-control-regex
const SGR = /\u001b\[[0-9;]*m/g

/** The last resort for a terminal narrower than the headers: cut the line (dropping its colour). */
function fitLine(line: string, width: number | undefined): string {
  if (width === undefined || width <= 0) return line
  const plain = line.replace(SGR, '')
  return displayWidth(plain) <= width ? line : cutToWidth(plain, width)
}
