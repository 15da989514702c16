// Plays the controller forward in virtual time: the real kernel (runTick) over the simulated
// context, on the tick grid of cluster_controller_tick_interval. Event-driven: after a tick that
// changed nothing for a cluster, the cluster sleeps until the next instant where its inputs can
// change (a hydration completing, a deadline, a linger ending, a refresh window edge, an event);
// the result equals ticking every interval (`mode: 'every-tick'`, the property test's oracle).

import type {ClusterId, TimestampMs} from '../controller/context.js'
import {roundDownM1, lastRefresh} from '../controller/refresh-schedule.js'
import {createAuditReason} from '../controller/reconcile.js'
import type {AppliedBatch, ClusterTickReport} from '../controller/report.js'
import {runTick} from '../controller/tick.js'
import {clusterLines, type PlanLine} from '../output/plan-text.js'
import type {ScheduledEvent} from './events.js'
import {applyEvent} from './events.js'
import type {HydrationOptions} from './sim-ctx.js'
import {hydrationDelayMs, SimulatedCtx} from './sim-ctx.js'
import type {Timeline} from './timeline.js'
import {TimelineBuilder} from './timeline.js'
import type {SimCluster, SimWorld} from './world.js'

export interface SimulationOptions extends HydrationOptions {
  readonly fromMs: TimestampMs
  readonly untilMs: TimestampMs
  /** Sorted by time (stable). */
  readonly events?: readonly ScheduledEvent[]
  /** Only these clusters are shown; all managed clusters are still simulated (limits are shared). */
  readonly clusterNames?: readonly string[]
  /** `every-tick`: tick every cluster at every interval (slow; the reference). */
  readonly mode?: 'event-driven' | 'every-tick'
  /** The next instant after `nowMs` at which a cluster's inputs can change (tests substitute it). */
  readonly nextWakeup?: (world: SimWorld, cluster: SimCluster, nowMs: TimestampMs, options: HydrationOptions) => TimestampMs
  /** Called with warnings (conflicting strategy writes). */
  readonly onWarning?: (warning: string) => void
}

/** The earliest instant after `nowMs` at which the cluster's signals or deadlines can change. */
export function nextWakeup(world: SimWorld, cluster: SimCluster, nowMs: TimestampMs, options: HydrationOptions): TimestampMs {
  let next = Infinity
  const consider = (at: number) => {
    if (at > nowMs && at < next) next = at
  }
  const delayMs = hydrationDelayMs(world, cluster, options)
  for (const replica of cluster.replicas) if (replica.hydratedOverride === null) consider(replica.createdAtMs + delayMs)
  const row = cluster.row
  if (row.reconfiguration?.status === 'in-progress') consider(row.reconfiguration.deadline)
  // The linger elapses strictly after stamp + linger.
  if (row.burst !== null && row.burst.steady_hydrated_at !== null) consider(row.burst.steady_hydrated_at + row.burst.linger_duration_ms + 1)
  if (row.schedule.kind === 'on-refresh') {
    const estimateMs = row.schedule.hydration_time_estimate_ms
    const compactionMs = world.number('cluster_refresh_mv_compaction_estimate')
    for (const mv of cluster.refreshMvs) {
      const frontier = mv.frontier
      if (frontier !== null) {
        consider(frontier - estimateMs + 1) // a refresh becomes due (frontier < now + estimate)
        consider(frontier) // the frontier can advance once a replica is hydrated
      }
      const previous = frontier === null ? lastRefresh(mv.schedule) : roundDownM1(mv.schedule, frontier)
      if (previous !== null) consider(previous + compactionMs) // compaction ends
    }
  }
  return next
}

/** A binary min-heap of (time, cluster) wake-ups; stale entries are skipped by the caller. */
class WakeupQueue {
  private readonly heap: {at: number; id: string}[] = []

  push(at: number, id: string): void {
    const heap = this.heap
    heap.push({at, id})
    let i = heap.length - 1
    while (i > 0) {
      const parent = (i - 1) >> 1
      if ((heap[parent] as {at: number}).at <= at) break
      ;[heap[i], heap[parent]] = [heap[parent] as {at: number; id: string}, heap[i] as {at: number; id: string}]
      i = parent
    }
  }

  peek(): {at: number; id: string} | undefined {
    return this.heap[0]
  }

  pop(): {at: number; id: string} | undefined {
    const heap = this.heap
    const top = heap[0]
    const last = heap.pop()
    if (heap.length > 0 && last !== undefined) {
      heap[0] = last
      let i = 0
      for (;;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < heap.length && (heap[l] as {at: number}).at < (heap[m] as {at: number}).at) m = l
        if (r < heap.length && (heap[r] as {at: number}).at < (heap[m] as {at: number}).at) m = r
        if (m === i) break
        ;[heap[i], heap[m]] = [heap[m] as {at: number; id: string}, heap[i] as {at: number; id: string}]
        i = m
      }
    }
    return top
  }
}

const batchApplied = (batch: AppliedBatch) => batch.outcome === 'applied'

export async function simulate(world: SimWorld, options: SimulationOptions): Promise<Timeline> {
  const builder = new TimelineBuilder()
  const shown = options.clusterNames?.length ? new Set(options.clusterNames) : null
  const isShown = (name: string) => shown === null || shown.has(name)
  const wakeup = options.nextWakeup ?? nextWakeup
  const events = options.events ?? []
  const fromMs = options.fromMs

  // What already runs at the start.
  for (const cluster of world.clusters.values()) {
    const row = cluster.row
    if (row.builtin || !isShown(row.name)) continue
    builder.lane(row.name)
    for (const replica of cluster.replicas) {
      builder.openReplica({cluster: row.name, replica: replica.replica.name, size: replica.replica.shape?.size ?? null, reason: 'existing', from: Math.min(replica.createdAtMs, fromMs)})
    }
    if (row.reconfiguration?.status === 'in-progress') builder.openSpan(row.name, 'reconfiguration', row.reconfiguration.target.size, fromMs)
    if (row.burst !== null) builder.openSpan(row.name, 'burst', row.burst.burst_size, fromMs)
  }
  const otherCredits = () =>
    [...world.clusters.values()]
      .filter((cluster) => !cluster.row.builtin && !isShown(cluster.row.name))
      .reduce((sum, cluster) => sum + cluster.replicas.reduce((s, replica) => s + world.credits(replica.replica.shape?.size ?? null), 0), 0)
  const otherCreditsAtStart = otherCredits()

  const queue = new WakeupQueue()
  const dueAt = new Map<string, number>()
  const schedule = (id: string, at: number) => {
    const current = dueAt.get(id)
    if (current !== undefined && current <= at) return
    dueAt.set(id, at)
    queue.push(at, id)
  }
  for (const cluster of world.managedClusters()) schedule(cluster.row.id, fromMs)
  /** Clusters whose last attempt hit a resource limit: retried whenever anything else ticks. */
  const blocked = new Map<string, string>()
  const recorder = new ReportRecorder(builder, isShown)

  let nowMs = fromMs
  let nextEvent = 0
  while (nowMs <= options.untilMs) {
    // Events take effect before the first tick at or after their time.
    while (nextEvent < events.length && (events[nextEvent] as ScheduledEvent).atMs <= nowMs) {
      const event = events[nextEvent++] as ScheduledEvent
      const effect = applyEvent(world, builder, event)
      const touched = effect.touched === 'all' ? world.managedClusters().map((cluster) => cluster.row.id) : effect.touched
      for (const id of touched) schedule(id, nowMs)
    }

    let ids: ClusterId[]
    if (options.mode === 'every-tick') {
      ids = world.managedClusters().map((cluster) => cluster.row.id as ClusterId)
    } else {
      const due = new Set<string>(blocked.keys())
      for (let top = queue.peek(); top !== undefined && top.at <= nowMs; top = queue.peek()) {
        queue.pop()
        if (dueAt.get(top.id) === top.at) {
          dueAt.delete(top.id)
          due.add(top.id)
        }
      }
      // In catalog order, as a full tick would meet them.
      const ord = (id: string) => world.clusters.get(id)?.row.ord ?? Infinity
      ids = [...due].filter((id) => {
        const row = world.clusters.get(id)?.row
        return row !== undefined && row.managed && !row.builtin
      }).sort((a, b) => ord(a) - ord(b)) as ClusterId[]
    }

    const intervalMs = Math.max(1, world.number('cluster_controller_tick_interval'))
    if (ids.length > 0) {
      const ctx = new SimulatedCtx(world, nowMs, ids, options)
      const report = await runTick(ctx, {
        onConflict: (conflict) => options.onWarning?.(`conflicting state writes for ${conflict.field} on cluster ${conflict.clusterId ?? '?'} at ${new Date(nowMs).toISOString()}`),
      })
      for (const advance of ctx.frontierAdvances.values()) {
        const mv = advance.cluster.refreshMvs[advance.mvIndex]
        if (mv !== undefined) mv.frontier = advance.frontier
      }
      const active = new Set<string>([...ctx.frontierAdvances.values()].map((advance) => advance.cluster.row.id))
      let anyApplied = false
      for (const cluster of report.clusters) {
        recorder.record(nowMs, cluster, blocked)
        if (cluster.batches.some(batchApplied)) {
          active.add(cluster.clusterId)
          anyApplied = true
        }
      }
      for (const id of ids) {
        const cluster = world.clusters.get(id)
        if (cluster === undefined) continue
        if (active.has(id)) schedule(id, nowMs + intervalMs)
        else {
          const at = wakeup(world, cluster, nowMs, options)
          if (Number.isFinite(at)) schedule(id, at)
        }
      }
      if (anyApplied) for (const id of blocked.keys()) schedule(id, nowMs + intervalMs)
    }

    if (options.mode === 'every-tick') {
      nowMs += intervalMs
      continue
    }
    // The next instant anything can change, rounded up onto the tick grid.
    let next = queue.peek()?.at ?? Infinity
    while (queue.peek() !== undefined && dueAt.get((queue.peek() as {id: string}).id) !== (queue.peek() as {at: number}).at) {
      queue.pop()
      next = queue.peek()?.at ?? Infinity
    }
    if (nextEvent < events.length) next = Math.min(next, (events[nextEvent] as ScheduledEvent).atMs)
    if (!Number.isFinite(next)) break
    nowMs += Math.max(1, Math.ceil((next - nowMs) / intervalMs)) * intervalMs
  }

  return {
    command: 'simulate',
    from: fromMs,
    until: options.untilMs,
    clusters: builder.clusters,
    events: builder.events,
    replicas: builder.replicas,
    spans: builder.spans,
    limits: {
      maxReplicasPerCluster: world.parameters.number('max_replicas_per_cluster'),
      maxCreditsPerHour: world.parameters.number('max_credit_consumption_rate'),
    },
    otherCreditsPerHour: otherCreditsAtStart,
    creditsBySize: world.creditsBySize,
  }
}

/** Turns the kernel's per-cluster reports into timeline events, lifetimes and spans. */
class ReportRecorder {
  constructor(
    private readonly builder: TimelineBuilder,
    private readonly isShown: (name: string) => boolean,
  ) {}

  record(nowMs: number, cluster: ClusterTickReport, blocked: Map<string, string>): void {
    const exhausted = cluster.batches.some((batch) => batch.outcome === 'resource-exhausted')
    const applied = cluster.batches.some(batchApplied)
    // A refused attempt repeats unchanged until something changes: say it once.
    const attempt = !exhausted ? '' : JSON.stringify(cluster.batches.filter((batch) => batch.outcome === 'resource-exhausted').map((batch) => [batch.creates.map((c) => [c.name, c.shape.size]), batch.drops.map((d) => d.name)]))
    const repeated = exhausted && !applied && blocked.get(cluster.clusterId) === attempt
    if (exhausted && !applied) blocked.set(cluster.clusterId, attempt)
    else blocked.delete(cluster.clusterId)
    if (repeated || !this.isShown(cluster.clusterName)) return

    const name = cluster.clusterName
    for (const [index, batch] of cluster.batches.entries()) {
      const ok = batch.outcome === 'applied'
      const lines = batchLines(cluster, index)
      const noted = batch.outcome === 'applied' ? 0 : 1
      const stateLines = lines.slice(0, lines.length - batch.creates.length - batch.drops.length - noted)
      const createLines = lines.slice(stateLines.length, stateLines.length + batch.creates.length)
      const dropLines = lines.slice(stateLines.length + batch.creates.length, lines.length - noted)
      const write = batch.stateWrite
      if (write !== null && ok) {
        const lineFor = (prefix: string) => stateLines.find((line) => line.text.startsWith(prefix)) ?? {marker: '~' as const, text: prefix}
        const reconfiguration = write.reconfiguration
        if (reconfiguration?.audit) {
          const transition = reconfiguration.audit.transition === 'finalized' && reconfiguration.audit.forced ? 'finalized (forced)' : reconfiguration.audit.transition
          const size = reconfiguration.record?.target.size ?? null
          this.builder.event({at: nowMs, cluster: name, kind: 'reconfiguration', replica: null, size, reason: transition, line: lineFor('reconfiguration')})
          if (reconfiguration.audit.transition === 'started') this.builder.openSpan(name, 'reconfiguration', size, nowMs)
          else this.builder.closeSpan(name, 'reconfiguration', nowMs, transition)
        }
        const burst = write.burst
        if (burst?.audit) {
          const size = burst.record?.burstSize ?? null
          const reason = burst.audit.transition === 'finished' ? burst.audit.cause : 'started'
          this.builder.event({at: nowMs, cluster: name, kind: 'burst', replica: null, size, reason, line: lineFor('burst')})
          if (burst.audit.transition === 'started') this.builder.openSpan(name, 'burst', size, nowMs)
          else this.builder.closeSpan(name, 'burst', nowMs, reason)
        }
      }
      if (ok) {
        batch.creates.forEach((create, i) => {
          const reason = createAuditReason(create.reason)
          const line = createLines[i] ?? {marker: '+' as const, text: `replica ${create.name}`}
          this.builder.event({at: nowMs, cluster: name, kind: 'create', replica: create.name, size: create.shape.size, reason, line})
          this.builder.openReplica({cluster: name, replica: create.name, size: create.shape.size, reason, from: nowMs})
        })
        batch.drops.forEach((drop, i) => {
          const line = dropLines[i] ?? {marker: '-' as const, text: `replica ${drop.name}`}
          this.builder.event({at: nowMs, cluster: name, kind: 'drop', replica: drop.name, size: drop.size, reason: 'retired', line})
          this.builder.closeReplica(name, drop.name, nowMs)
        })
      } else if (batch.outcome === 'resource-exhausted') {
        const first = batch.creates[0]
        const line = {marker: '!' as const, text: `${first ? `replica ${first.name} ${first.shape.size}: ` : ''}would exceed max_replicas_per_cluster or max_credit_consumption_rate`, reason: 'resource-exhausted'}
        this.builder.event({at: nowMs, cluster: name, kind: 'resource-exhausted', replica: first?.name ?? null, size: first?.shape.size ?? null, reason: 'resource-exhausted', line})
      }
    }
  }
}

/** The plan lines of one batch: those of the report up to it, minus those of the batches before. */
function batchLines(cluster: ClusterTickReport, index: number): PlanLine[] {
  const upTo = (n: number) => clusterLines({...cluster, batches: cluster.batches.slice(0, n), skipped: false})
  return upTo(index + 1).slice(upTo(index).length)
}
