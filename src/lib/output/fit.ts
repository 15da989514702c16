// Fitting text to a terminal's width: the display width of a string (wide East Asian characters
// and emoji take two cells, combining marks none), cutting a string to a width with `…`, and
// choosing column widths so a table row never wraps.

const segmenter = new Intl.Segmenter(undefined, {granularity: 'grapheme'})

// Wide (two-cell) code points: Hangul Jamo, CJK, Hangul syllables, compatibility ideographs,
// full-width forms, and pictographic emoji.
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\u{20000}-\u{3fffd}]|\p{Extended_Pictographic}/u
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]+$/u

function graphemeWidth(grapheme: string): number {
  if (ZERO_WIDTH.test(grapheme)) return 0
  return WIDE.test(grapheme) ? 2 : 1
}

/** The number of terminal cells `text` occupies (no escape sequences expected). */
export function displayWidth(text: string): number {
  let width = 0
  for (const {segment} of segmenter.segment(text)) width += graphemeWidth(segment)
  return width
}

/** `text` cut to at most `width` cells, ending in `…` when anything was cut. */
export function cutToWidth(text: string, width: number): string {
  if (displayWidth(text) <= width) return text
  if (width <= 0) return ''
  let out = ''
  let used = 0
  for (const {segment} of segmenter.segment(text)) {
    const w = graphemeWidth(segment)
    if (used + w > width - 1) break
    out += segment
    used += w
  }
  return `${out}…`
}

export interface FitColumn {
  /** The widest cell, header included. */
  readonly natural: number
  /** The header's width: a shrinking column never goes below it (nor below 4 cells). */
  readonly header: number
  /** Free text (names, details) that may be cut; numbers and flags are not. */
  readonly shrinkable: boolean
}

/**
 * Column widths whose total, with `gap` cells between columns, fits `width`: the widest
 * shrinkable column gives up a cell at a time until the row fits or every shrinkable column is
 * at its floor. Returns the natural widths when they already fit. The caller still cuts any line
 * that is too long (a terminal narrower than the headers).
 */
export function fitColumnWidths(columns: readonly FitColumn[], width: number, gap: number): number[] {
  const widths = columns.map((column) => column.natural)
  const floors = columns.map((column) => Math.min(column.natural, Math.max(column.header, 4)))
  const total = () => widths.reduce((sum, w) => sum + w, 0) + gap * Math.max(0, columns.length - 1)
  let excess = total() - width
  while (excess > 0) {
    let widest = -1
    for (let i = 0; i < columns.length; i++) {
      if (!columns[i]?.shrinkable || (widths[i] as number) <= (floors[i] as number)) continue
      if (widest < 0 || (widths[i] as number) > (widths[widest] as number)) widest = i
    }
    if (widest < 0) break
    widths[widest] = (widths[widest] as number) - 1
    excess--
  }
  return widths
}
