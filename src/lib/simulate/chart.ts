// The timeline picture: a Vega-Lite specification (one lane per cluster with its replicas as bars
// coloured by size, reconfiguration and burst spans shaded behind them, events marked, and the
// credit curve underneath), compiled and rendered to SVG by Vega in Node — no DOM, no browser.
// vega and vega-lite are imported on demand: only `--svg`/`--html` pay for loading them.

import type {Timeline, TimelineSummary} from './timeline.js'
import {summarize} from './timeline.js'

export type ChartTheme = 'light' | 'dark'

const THEMES: Record<ChartTheme, {text: string; grid: string; background: string; curve: string}> = {
  light: {text: '#1f2328', grid: '#d0d7de', background: '#ffffff', curve: '#0969da'},
  dark: {text: '#e6edf3', grid: '#30363d', background: '#0d1117', curve: '#58a6ff'},
}

/** The Vega-Lite specification of a timeline (plain JSON, so it can be inspected or reused). */
export function timelineSpec(timeline: Timeline, summary: TimelineSummary = summarize(timeline), theme: ChartTheme = 'light'): Record<string, unknown> {
  const colors = THEMES[theme]
  const end = (until: number | null) => Math.min(until ?? timeline.until, timeline.until)
  const visible = <T extends {from: number; until: number | null}>(spans: readonly T[]) => spans.filter((span) => end(span.until) > Math.max(span.from, timeline.from))
  // Replicas that overlap in time take different rows of their lane (the lowest free one).
  const rowEnds = new Map<string, number[]>()
  const replicas = [...visible(timeline.replicas)]
    .sort((a, b) => a.from - b.from)
    .map((span) => {
      const from = Math.max(span.from, timeline.from)
      const until = end(span.until)
      const ends = rowEnds.get(span.cluster) ?? []
      let row = ends.findIndex((rowEnd) => rowEnd <= from)
      if (row < 0) row = ends.length
      ends[row] = until
      rowEnds.set(span.cluster, ends)
      return {cluster: span.cluster, replica: span.replica, size: span.size ?? '?', reason: span.reason, from, until, row}
    })
  const spans = visible(timeline.spans).map((span) => ({
    cluster: span.cluster,
    kind: span.kind,
    label: `${span.kind} ${span.size ?? ''}${span.outcome ? ` → ${span.outcome}` : ''}`.trim(),
    from: Math.max(span.from, timeline.from),
    until: end(span.until),
  }))
  const events = timeline.events
    .filter((event) => event.at >= timeline.from && event.at <= timeline.until && event.cluster !== '')
    .map((event) => ({cluster: event.cluster, at: event.at, kind: event.kind, what: `${event.kind}${event.replica ? ` ${event.replica}` : ''}${event.size ? ` ${event.size}` : ''}: ${event.reason}`}))
  const curve = [...summary.creditCurve, {at: timeline.until, creditsPerHour: summary.creditCurve.at(-1)?.creditsPerHour ?? 0}].map((point) => ({
    at: point.at,
    credits_per_hour: point.creditsPerHour,
  }))
  if (curve.length === 1) curve.unshift({at: timeline.from, credits_per_hour: 0})
  const lanes = [...timeline.clusters]
  const x = {type: 'temporal', scale: {type: 'utc', domain: [timeline.from, timeline.until]}, title: null, axis: {format: '%d %b %H:%M', labelOverlap: true}}
  const y = {field: 'cluster', type: 'nominal', scale: {domain: lanes}, title: null, sort: lanes}
  const width = 900
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    background: colors.background,
    config: {
      font: 'system-ui, -apple-system, Segoe UI, sans-serif',
      axis: {labelColor: colors.text, titleColor: colors.text, gridColor: colors.grid, domainColor: colors.grid, tickColor: colors.grid},
      legend: {labelColor: colors.text, titleColor: colors.text},
      title: {color: colors.text},
      view: {stroke: colors.grid},
    },
    vconcat: [
      {
        title: timeline.command === 'simulate' ? 'Replicas per cluster (simulated)' : 'Replicas per cluster (from the audit log)',
        width,
        height: Math.max(60, lanes.length * 44),
        layer: [
          {
            data: {values: spans},
            mark: {type: 'rect', opacity: 0.18},
            encoding: {
              x: {field: 'from', ...x},
              x2: {field: 'until'},
              y,
              color: {field: 'kind', type: 'nominal', scale: {domain: ['reconfiguration', 'burst'], range: ['#bf8700', '#8250df']}, legend: {title: 'span'}},
              tooltip: [{field: 'label', type: 'nominal'}],
            },
          },
          {
            data: {values: replicas},
            mark: {type: 'bar', cornerRadius: 2, height: {band: 0.8}},
            encoding: {
              x: {field: 'from', ...x},
              x2: {field: 'until'},
              y,
              yOffset: {field: 'row', type: 'ordinal'},
              color: {field: 'size', type: 'nominal', legend: {title: 'replica size'}, scale: {scheme: 'tableau10'}},
              tooltip: [
                {field: 'replica', type: 'nominal'},
                {field: 'size', type: 'nominal'},
                {field: 'reason', type: 'nominal'},
                {field: 'from', type: 'temporal', format: '%Y-%m-%d %H:%M:%S', scale: {type: 'utc'}},
                {field: 'until', type: 'temporal', format: '%Y-%m-%d %H:%M:%S'},
              ],
            },
          },
          {
            data: {values: events},
            mark: {type: 'tick', thickness: 2, color: colors.text, opacity: 0.7},
            encoding: {x: {field: 'at', ...x}, y, tooltip: [{field: 'what', type: 'nominal'}]},
          },
        ],
        resolve: {scale: {color: 'independent'}},
      },
      {
        title: 'Credit rate (credits per hour)',
        width,
        height: 120,
        data: {values: curve},
        mark: {type: 'line', interpolate: 'step-after', color: colors.curve, strokeWidth: 2},
        encoding: {x: {field: 'at', ...x}, y: {field: 'credits_per_hour', type: 'quantitative', title: null}},
      },
    ],
  }
}

/** Vega-Lite's notes on merged scale domains are not the user's business. */
const QUIET_LOGGER = {
  level(): number {
    return 0
  },
  error(...args: unknown[]) {
    throw new Error(args.map(String).join(' '))
  },
  warn() {
    return QUIET_LOGGER
  },
  info() {
    return QUIET_LOGGER
  },
  debug() {
    return QUIET_LOGGER
  },
}

/** Render the timeline chart to a standalone SVG document. */
export async function renderTimelineSvg(timeline: Timeline, summary: TimelineSummary = summarize(timeline), theme: ChartTheme = 'light'): Promise<string> {
  const [vegaLite, vega] = await Promise.all([import('vega-lite'), import('vega')])
  const compiled = vegaLite.compile(timelineSpec(timeline, summary, theme) as never, {logger: QUIET_LOGGER as never}).spec
  const view = new vega.View(vega.parse(compiled), {renderer: 'none'})
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}
