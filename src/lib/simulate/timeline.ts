// The one data model of `simulate` (the future) and `history` (the past): timed events, each
// replica's lifetime (created, dropped, size, reason), reconfiguration and burst spans, and what
// follows from them — per-cluster replica sets over time, the credit rate over time, credits
// consumed (lifetime × credits per hour) and the peaks against both resource limits.

import type {PlanLine} from '../output/plan-text.js'

export type TimelineEventKind = 'create' | 'drop' | 'reconfiguration' | 'burst' | 'resource-exhausted' | 'event'

export interface TimelineEvent {
  readonly at: number
  readonly cluster: string
  readonly kind: TimelineEventKind
  readonly replica: string | null
  readonly size: string | null
  readonly reason: string
  /** The change as a plan line (`+ replica r3 200cc   reconfiguration`). */
  readonly line: PlanLine
}

export interface ReplicaSpan {
  readonly cluster: string
  readonly replica: string
  readonly size: string | null
  readonly reason: string
  readonly from: number
  /** null: still running at the end of the timeline. */
  until: number | null
}

export interface StateSpan {
  readonly cluster: string
  readonly kind: 'reconfiguration' | 'burst'
  /** The target or burst size. */
  readonly size: string | null
  readonly from: number
  until: number | null
  /** How it ended (finalized, timed-out, linger-elapsed, …); null while open. */
  outcome: string | null
}

export interface Limits {
  readonly maxReplicasPerCluster: number
  readonly maxCreditsPerHour: number
}

export interface Timeline {
  readonly command: 'simulate' | 'history'
  readonly from: number
  readonly until: number
  /** Lane order. */
  readonly clusters: readonly string[]
  readonly events: readonly TimelineEvent[]
  readonly replicas: readonly ReplicaSpan[]
  readonly spans: readonly StateSpan[]
  readonly limits: Limits
  /** Credits per hour of replicas outside the timeline's clusters, counted against the credit limit. */
  readonly otherCreditsPerHour: number
  readonly creditsBySize: ReadonlyMap<string, number>
}

/** Records a timeline as it unfolds; spans are keyed by cluster and replica name. */
export class TimelineBuilder {
  readonly events: TimelineEvent[] = []
  readonly replicas: ReplicaSpan[] = []
  readonly spans: StateSpan[] = []
  readonly clusters: string[] = []
  private readonly lanes = new Set<string>()
  private readonly openReplicas = new Map<string, ReplicaSpan>()
  private readonly openSpans = new Map<string, StateSpan>()

  lane(cluster: string): void {
    if (this.lanes.has(cluster)) return
    this.lanes.add(cluster)
    this.clusters.push(cluster)
  }

  event(event: TimelineEvent): void {
    this.lane(event.cluster)
    this.events.push(event)
  }

  openReplica(span: Omit<ReplicaSpan, 'until'>): void {
    this.lane(span.cluster)
    const open: ReplicaSpan = {...span, until: null}
    this.replicas.push(open)
    this.openReplicas.set(`${span.cluster}\u0000${span.replica}`, open)
  }

  closeReplica(cluster: string, replica: string, at: number): void {
    const key = `${cluster}\u0000${replica}`
    const open = this.openReplicas.get(key)
    if (open === undefined) return
    open.until = at
    this.openReplicas.delete(key)
  }

  closeCluster(cluster: string, at: number): void {
    for (const [key, open] of this.openReplicas) {
      if (open.cluster !== cluster) continue
      open.until = at
      this.openReplicas.delete(key)
    }
    for (const kind of ['reconfiguration', 'burst'] as const) this.closeSpan(cluster, kind, at, 'cluster dropped')
  }

  openSpan(cluster: string, kind: StateSpan['kind'], size: string | null, at: number): void {
    this.lane(cluster)
    this.closeSpan(cluster, kind, at, 'superseded')
    const span: StateSpan = {cluster, kind, size, from: at, until: null, outcome: null}
    this.spans.push(span)
    this.openSpans.set(`${cluster}\u0000${kind}`, span)
  }

  closeSpan(cluster: string, kind: StateSpan['kind'], at: number, outcome: string): void {
    const key = `${cluster}\u0000${kind}`
    const open = this.openSpans.get(key)
    if (open === undefined) return
    open.until = at
    open.outcome = outcome
    this.openSpans.delete(key)
  }
}

// --- what follows from the timeline -------------------------------------------------------------

export interface SeriesPoint {
  readonly at: number
  readonly replicas: number
  readonly sizes: readonly string[]
  readonly creditsPerHour: number
}

export interface ClusterSeries {
  readonly cluster: string
  readonly points: readonly SeriesPoint[]
}

export interface TimelineSummary {
  readonly series: readonly ClusterSeries[]
  /** The credit rate of the timeline's clusters over time (a step function). */
  readonly creditCurve: readonly {readonly at: number; readonly creditsPerHour: number}[]
  readonly creditsTotal: number
  readonly peak: {
    readonly replicas: number
    readonly replicasCluster: string | null
    readonly creditsPerHour: number
  }
}

const HOUR_MS = 3_600_000

const clipFrom = (span: {from: number}, timeline: Timeline): number => Math.max(span.from, timeline.from)
const clipUntil = (span: {until: number | null}, timeline: Timeline): number => Math.min(span.until ?? timeline.until, timeline.until)

/** Series, credit curve, credits consumed and peaks: one sweep over the lifetimes' edges. */
export function summarize(timeline: Timeline): TimelineSummary {
  const credits = (size: string | null) => (size === null ? 0 : (timeline.creditsBySize.get(size) ?? 0))
  const visible = timeline.replicas.filter((span) => clipUntil(span, timeline) > clipFrom(span, timeline) || (span.until === null && span.from <= timeline.until))
  let creditsTotal = 0
  for (const span of visible) creditsTotal += (Math.max(0, clipUntil(span, timeline) - clipFrom(span, timeline)) * credits(span.size)) / HOUR_MS

  const byCluster = new Map<string, ReplicaSpan[]>()
  for (const span of visible) byCluster.set(span.cluster, [...(byCluster.get(span.cluster) ?? []), span])
  const series = timeline.clusters.map((cluster) => {
    // A sweep over the lifetimes' edges; a replica dropped after the horizon is alive at its end.
    const changes = new Map<number, {adds: ReplicaSpan[]; removes: ReplicaSpan[]}>([[timeline.from, {adds: [], removes: []}]])
    const change = (at: number) => {
      let entry = changes.get(at)
      if (entry === undefined) changes.set(at, (entry = {adds: [], removes: []}))
      return entry
    }
    for (const span of byCluster.get(cluster) ?? []) {
      change(clipFrom(span, timeline)).adds.push(span)
      if (span.until !== null && span.until <= timeline.until) change(span.until).removes.push(span)
    }
    const alive = new Set<ReplicaSpan>()
    const points: SeriesPoint[] = []
    for (const at of [...changes.keys()].sort((x, y) => x - y)) {
      const entry = changes.get(at) as {adds: ReplicaSpan[]; removes: ReplicaSpan[]}
      for (const span of entry.removes) alive.delete(span)
      for (const span of entry.adds) if (span.until === null || span.until > at) alive.add(span)
      const sizes = [...alive].map((span) => span.size ?? '?')
      const last = points.at(-1)
      if (last && last.replicas === alive.size && last.sizes.join() === sizes.join()) continue
      points.push({at, replicas: alive.size, sizes, creditsPerHour: round([...alive].reduce((sum, span) => sum + credits(span.size), 0))})
    }
    return {cluster, points}
  })

  // The credit curve as a sweep over each cluster's rate changes.
  const deltas = new Map<number, number>()
  let peakReplicas = 0
  let peakReplicasCluster: string | null = null
  for (const s of series) {
    let previous = 0
    for (const point of s.points) {
      deltas.set(point.at, (deltas.get(point.at) ?? 0) + point.creditsPerHour - previous)
      previous = point.creditsPerHour
      if (point.replicas > peakReplicas) {
        peakReplicas = point.replicas
        peakReplicasCluster = s.cluster
      }
    }
  }
  const creditCurve: {at: number; creditsPerHour: number}[] = []
  let rate = 0
  let peakCredits = 0
  for (const at of [...deltas.keys()].sort((x, y) => x - y)) {
    rate += deltas.get(at) ?? 0
    const rounded = round(rate)
    if (creditCurve.at(-1)?.creditsPerHour !== rounded) creditCurve.push({at, creditsPerHour: rounded})
    peakCredits = Math.max(peakCredits, rounded)
  }
  return {
    series,
    creditCurve,
    creditsTotal: round(creditsTotal),
    peak: {replicas: peakReplicas, replicasCluster: peakReplicasCluster, creditsPerHour: peakCredits},
  }
}

const round = (value: number): number => Math.round(value * 1000) / 1000

/** The `--json` document (product.md §11.4), with lifetimes, spans and limits added. */
export function timelineJson(timeline: Timeline, summary: TimelineSummary = summarize(timeline)) {
  return {
    from: timeline.from,
    until: timeline.until,
    events: timeline.events.map((event) => ({
      at: event.at,
      cluster: event.cluster,
      kind: event.kind,
      replica: event.replica,
      size: event.size,
      reason: event.reason,
    })),
    series: summary.series.map((s) => ({
      cluster: s.cluster,
      points: s.points.map((point) => ({at: point.at, replicas: point.replicas, sizes: [...point.sizes], credits_per_hour: point.creditsPerHour})),
    })),
    credits_total: summary.creditsTotal,
    peak: {
      replicas: summary.peak.replicas,
      replicas_cluster: summary.peak.replicasCluster,
      credits_per_hour: summary.peak.creditsPerHour,
      environment_credits_per_hour: round(summary.peak.creditsPerHour + timeline.otherCreditsPerHour),
    },
    limits: {
      max_replicas_per_cluster: timeline.limits.maxReplicasPerCluster,
      max_credit_consumption_rate: timeline.limits.maxCreditsPerHour,
    },
    replicas: timeline.replicas.map((span) => ({
      cluster: span.cluster,
      replica: span.replica,
      size: span.size,
      reason: span.reason,
      created: span.from,
      dropped: span.until,
    })),
    spans: timeline.spans.map((span) => ({cluster: span.cluster, kind: span.kind, size: span.size, from: span.from, until: span.until, outcome: span.outcome})),
  }
}

export type TimelineJson = ReturnType<typeof timelineJson>
