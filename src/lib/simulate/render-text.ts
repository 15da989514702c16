// The text rendering of a timeline, shared by `simulate` and `history`: the timed events as plan
// lines with a time column, each cluster's replica set over time, the credit rate over time, the
// credits consumed, the peaks against both limits, and on a terminal a compact step chart per
// cluster that fits its width.

import {cutToWidth, displayWidth} from '../output/fit.js'
import {alignedLines} from '../output/plan-text.js'
import {makeStyle, showControls} from '../output/style.js'
import {formatDuration, formatTimestamp} from '../output/time.js'
import type {Timeline, TimelineSummary} from './timeline.js'
import {summarize} from './timeline.js'

export interface TimelineRenderOptions {
  readonly color: boolean
  /** Terminal width for the step chart; absent (piped): no chart. */
  readonly columns?: number
}

const plural = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`
const credits = (value: number) => String(Math.round(value * 100) / 100)

/** A UTC time to the second: `2026-11-30T05:06:53Z`. */
const toSecond = (at: number) => formatTimestamp(Math.floor(at / 1000) * 1000).replace('.000Z', 'Z')

/** `+1h30m` from the start for the future; the UTC time to the second for the past. */
function timeLabel(timeline: Timeline, at: number): string {
  if (timeline.command === 'simulate') return `+${formatDuration(at - timeline.from)}`
  return toSecond(at)
}

/** `2×200cc, 100cc`: the sizes of a replica set, grouped in first-seen order. */
export function sizesText(sizes: readonly string[]): string {
  if (sizes.length === 0) return 'none'
  const counts = new Map<string, number>()
  for (const size of sizes) counts.set(size, (counts.get(size) ?? 0) + 1)
  return [...counts].map(([size, count]) => (count === 1 ? size : `${count}×${size}`)).join(', ')
}

export function renderTimeline(timeline: Timeline, options: TimelineRenderOptions): string {
  const style = makeStyle(options.color)
  const summary = summarize(timeline)
  const out: string[] = []
  const span = formatDuration(timeline.until - timeline.from)
  const title = `${timeline.command === 'simulate' ? 'Simulation' : 'History'} of ${plural(timeline.clusters.length, 'cluster')}`
  const window = `from ${toSecond(timeline.from)} to ${toSecond(timeline.until)} (${span})`
  // On a narrow terminal the window goes on a line of its own.
  if (options.columns !== undefined && displayWidth(`${title} ${window}`) > options.columns) out.push(style.heading(title), style.heading(window))
  else out.push(style.heading(`${title} ${window}`))

  const events = timeline.events.filter((event) => event.at >= timeline.from && event.at <= timeline.until)
  if (events.length === 0) out.push('No events: every cluster stays as it is.')
  else {
    const times = events.map((event) => timeLabel(timeline, event.at))
    const timeWidth = Math.max(...times.map((t) => t.length))
    // On a terminal a long cluster name is cut (a fifth of the width at most) to leave room for the change.
    const nameLimit = options.columns === undefined ? Infinity : Math.max(10, Math.floor(options.columns / 5))
    const names = events.map((event) => cutToWidth(showControls(event.cluster), nameLimit))
    const nameWidth = Math.max(...names.map((n) => displayWidth(n)))
    const rows = events.map((event, i) => ({
      prefix: `${(times[i] as string).padEnd(timeWidth)}  ${(names[i] as string) + ' '.repeat(nameWidth - displayWidth(names[i] as string))}  `,
      line: event.line,
    }))
    out.push(...alignedLines(rows, style, options.columns))
  }

  out.push('', style.heading('Replicas over time'))
  const nameWidth = Math.max(0, ...summary.series.map((s) => [...showControls(s.cluster)].length))
  for (const s of summary.series) {
    const steps = s.points.map((point) => `${timeLabel(timeline, point.at)} ${sizesText(point.sizes)}`)
    out.push(...wrapSteps(`  ${showControls(s.cluster).padEnd(nameWidth)}  `, steps, options.columns))
  }
  if (options.columns !== undefined) out.push('', ...stepChart(timeline, summary, options.columns, style.dim))

  out.push('', style.heading('Credit rate over time'))
  const rates = summary.creditCurve.map((point) => `${timeLabel(timeline, point.at)} ${credits(point.creditsPerHour)}/h`)
  out.push(...wrapSteps('  ', rates.length === 0 ? ['0/h'] : rates, options.columns))

  out.push('', ...summaryLines(timeline, summary).flatMap((line) => wrapWords(line, options.columns).map((part) => style.bold(part))))
  return out.join('\n')
}

/**
 * `head` and the steps joined by arrows; on a terminal of `columns` cells, the steps continue on
 * lines indented under the first step (each starting with its arrow) instead of wrapping mid-step.
 */
function wrapSteps(head: string, steps: readonly string[], columns?: number): string[] {
  if (columns === undefined) return [`${head}${steps.join('  →  ')}`]
  const indent = ' '.repeat(displayWidth(head))
  const lines: string[] = []
  let line = head
  steps.forEach((step, i) => {
    const piece = i === 0 ? step : `  →  ${step}`
    if (i > 0 && displayWidth(line) + displayWidth(piece) > columns) {
      lines.push(line)
      line = `${indent}→  ${step}`
    } else {
      line += piece
    }
  })
  lines.push(line)
  return lines
}

/** `line` broken at spaces to fit a terminal of `columns` cells, continuing indented by two. */
function wrapWords(line: string, columns?: number): string[] {
  if (columns === undefined || displayWidth(line) <= columns) return [line]
  const lines: string[] = []
  let current = ''
  for (const word of line.split(' ')) {
    const next = current === '' ? word : `${current} ${word}`
    if (current !== '' && displayWidth(next) > columns) {
      lines.push(current)
      current = `  ${word}`
    } else {
      current = next
    }
  }
  lines.push(current)
  return lines
}

/** The closing lines: credits consumed and the peaks against both limits. */
export function summaryLines(timeline: Timeline, summary: TimelineSummary = summarize(timeline)): string[] {
  const peak = summary.peak
  const environment = peak.creditsPerHour + timeline.otherCreditsPerHour
  const others = timeline.otherCreditsPerHour > 0 ? ` (${credits(environment)} with the other clusters)` : ''
  return [
    `Credits consumed over ${formatDuration(timeline.until - timeline.from)}: ${credits(summary.creditsTotal)}.`,
    `Peak replicas: ${peak.replicas}${peak.replicasCluster === null ? '' : ` (${showControls(peak.replicasCluster)})`} of max_replicas_per_cluster ${timeline.limits.maxReplicasPerCluster}.`,
    `Peak credit rate: ${credits(peak.creditsPerHour)} credits/h${others} of max_credit_consumption_rate ${timeline.limits.maxCreditsPerHour}.`,
  ]
}

const BLOCKS = ' ▁▂▃▄▅▆▇█'

/** One row per cluster: the credit rate over time as block heights, scaled to the highest rate. */
function stepChart(timeline: Timeline, summary: TimelineSummary, columns: number, dim: (text: string) => string): string[] {
  const nameWidth = Math.min(16, Math.max(0, ...summary.series.map((s) => [...showControls(s.cluster)].length)))
  const width = Math.max(10, columns - nameWidth - 4)
  const duration = timeline.until - timeline.from
  const max = Math.max(0, ...summary.series.flatMap((s) => s.points.map((point) => point.creditsPerHour)))
  const lines = [dim(`  ${''.padEnd(nameWidth)}  ${timeLabel(timeline, timeline.from)}${timeLabel(timeline, timeline.until).padStart(width - timeLabel(timeline, timeline.from).length)}`)]
  for (const s of summary.series) {
    let chart = ''
    let index = 0
    for (let column = 0; column < width; column++) {
      const at = timeline.from + (duration * column) / width
      while (index + 1 < s.points.length && (s.points[index + 1] as {at: number}).at <= at) index++
      const point = s.points[index]
      const rate = point === undefined || point.at > at ? 0 : point.creditsPerHour
      chart += rate === 0 || max === 0 ? (point && point.replicas > 0 ? '▁' : '·') : (BLOCKS[Math.max(1, Math.round((rate / max) * 8))] as string)
    }
    const name = [...showControls(s.cluster)].slice(0, nameWidth).join('')
    lines.push(`  ${name.padEnd(nameWidth)}  ${chart}`)
  }
  return lines
}
