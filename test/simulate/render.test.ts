// The shared text rendering of a timeline: the time column, the summary lines, and the step chart
// that must fit the terminal width.

import {describe, expect, it} from 'vitest'
import {displayWidth} from '../../src/lib/output/fit.js'
import {renderTimeline, sizesText} from '../../src/lib/simulate/render-text.js'
import {summarize, type Timeline} from '../../src/lib/simulate/timeline.js'

const T0 = Date.UTC(2026, 10, 30)
const HOUR = 3_600_000

const timeline: Timeline = {
  command: 'simulate',
  from: T0,
  until: T0 + 24 * HOUR,
  clusters: ['prod', 'a-cluster-with-a-very-long-name'],
  events: [
    {at: T0 + HOUR, cluster: 'prod', kind: 'create', replica: 'r2', size: '400cc', reason: 'reconfiguration', line: {marker: '+', text: 'replica r2 400cc', reason: 'reconfiguration'}},
    {at: T0 + 2 * HOUR, cluster: 'prod', kind: 'drop', replica: 'r1', size: '200cc', reason: 'retired', line: {marker: '-', text: 'replica r1 200cc', reason: 'retired'}},
  ],
  replicas: [
    {cluster: 'prod', replica: 'r1', size: '200cc', reason: 'existing', from: T0 - HOUR, until: T0 + 2 * HOUR},
    {cluster: 'prod', replica: 'r2', size: '400cc', reason: 'reconfiguration', from: T0 + HOUR, until: null},
    {cluster: 'a-cluster-with-a-very-long-name', replica: 'r1', size: '100cc', reason: 'existing', from: T0 - HOUR, until: null},
  ],
  spans: [],
  limits: {maxReplicasPerCluster: 5, maxCreditsPerHour: 1024},
  otherCreditsPerHour: 1.5,
  creditsBySize: new Map([
    ['100cc', 1],
    ['200cc', 2],
    ['400cc', 4],
  ]),
}

describe('timeline text', () => {
  it('credits are lifetime × credits per hour, clipped to the window; peaks count the overlap', () => {
    const summary = summarize(timeline)
    // r1: 2h × 2; r2: 23h × 4; the other cluster: 24h × 1.
    expect(summary.creditsTotal).toBe(4 + 92 + 24)
    expect(summary.peak).toEqual({replicas: 2, replicasCluster: 'prod', creditsPerHour: 7})
    expect(summary.series[0]?.points.map((point) => [point.at - T0, point.sizes])).toEqual([
      [0, ['200cc']],
      [HOUR, ['200cc', '400cc']],
      [2 * HOUR, ['400cc']],
    ])
    expect(summary.creditCurve.map((point) => [point.at - T0, point.creditsPerHour])).toEqual([
      [0, 3],
      [HOUR, 7],
      [2 * HOUR, 5],
    ])
  })

  it('renders events with a time column and the summary against both limits', () => {
    const text = renderTimeline(timeline, {color: false})
    expect(text).toMatch(/^\+1h\s+prod\s+\+ replica r2 400cc\s+reconfiguration$/m)
    expect(text).toMatch(/^\+2h\s+prod\s+- replica r1 200cc\s+retired$/m)
    expect(text).toContain('prod                             +0s 200cc  →  +1h 200cc, 400cc  →  +2h 400cc')
    expect(text).toContain('Credits consumed over 24h: 120.')
    expect(text).toContain('Peak replicas: 2 (prod) of max_replicas_per_cluster 5.')
    expect(text).toContain('Peak credit rate: 7 credits/h (8.5 with the other clusters) of max_credit_consumption_rate 1024.')
    expect(text).not.toMatch(/[▁▂▃▄▅▆▇█]/)
  })

  it('on a terminal, a step chart per cluster that fits the width', () => {
    for (const columns of [40, 80, 132]) {
      const text = renderTimeline(timeline, {color: false, columns})
      const chart = text.split('\n').filter((line) => /[▁▂▃▄▅▆▇█·]/.test(line))
      expect(chart).toHaveLength(2)
      for (const line of text.split('\n').slice(text.split('\n').indexOf('Replicas over time') + 4)) {
        if (/[▁▂▃▄▅▆▇█·]/.test(line)) expect([...line].length).toBeLessThanOrEqual(columns)
      }
      // prod doubles its rate after an hour: the highest block appears only after the first.
      expect(chart[0]).toContain('█')
    }
  })

  it('history on a terminal: no line wraps; long changes are cut with … and reasons end at the edge; piped output stays whole', () => {
    const long = 'cluster alter a-cluster-with-a-very-long-name: availability_zones none → use1-az1,use1-az2, schedule manual → on-refresh (hydration 5m)'
    const past: Timeline = {
      ...timeline,
      command: 'history',
      events: [
        ...timeline.events,
        {at: T0 + 3 * HOUR + 1234, cluster: 'a-cluster-with-a-very-long-name', kind: 'event', replica: null, size: null, reason: long, line: {marker: '~', text: long, reason: 'event'}},
        {at: T0 + 4 * HOUR, cluster: 'prod', kind: 'reconfiguration', replica: null, size: '400cc', reason: 'finalized', line: {marker: '~', text: 'reconfiguration → finalized (target 400cc)', reason: 'graceful-reconfiguration'}},
      ],
      // Many steps: the replica set changes size every hour.
      replicas: Array.from({length: 12}, (_, i) => ({cluster: 'prod', replica: `r${i + 1}`, size: i % 2 === 0 ? '200cc' : '400cc', reason: 'manual', from: T0 + i * HOUR, until: T0 + (i + 1) * HOUR})),
    }
    for (const columns of [80, 100, 132]) {
      const lines = renderTimeline(past, {color: false, columns}).split('\n')
      for (const line of lines) expect(displayWidth(line), line).toBeLessThanOrEqual(columns)
      const edit = lines.find((line) => line.includes('~ cluster alter'))
      // The cluster column is cut (to a fifth of the width at most), and so is the change.
      expect(edit).toMatch(/^2026-11-30T03:00:01Z {2}a-cluster-with-\S*… {2}~ cluster alter a-.*… +event$/)
      expect(edit?.length).toBe(columns)
      expect(lines.find((line) => line.includes('~ reconfigura'))).toMatch(/graceful-reconfiguration$/)
      // The replica set's steps continue on indented lines that start with their arrow.
      expect(lines.filter((line) => /^ {4,}→ {2}2026-11-30T\d\d:00:00Z/.test(line)).length).toBeGreaterThan(0)
    }
    const piped = renderTimeline(past, {color: false}).split('\n')
    expect(piped).toContain(`2026-11-30T03:00:01Z  a-cluster-with-a-very-long-name  ~ ${long}  event`)
    expect(piped.filter((line) => line.startsWith('  prod'))).toHaveLength(1)
  })

  it('groups sizes', () => {
    expect(sizesText(['200cc', '200cc', '400cc'])).toBe('2×200cc, 400cc')
    expect(sizesText([])).toBe('none')
  })
})
