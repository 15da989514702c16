// simulate and history against real catalogs (embedded, and the server when it runs): nothing is
// written, the JSON has the documented shape, events are checked like the real commands, and the
// past is priced from the audit log.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {Db} from '../../src/lib/catalog/db.js'
import {alterCluster} from '../../src/lib/alter/alter.js'
import {parseClusterOptions} from '../../src/lib/ddl/cluster-options.js'
import {createCluster} from '../../src/lib/ddl/clusters.js'
import {seedDemo} from '../../src/lib/demo.js'
import {MzclusterError} from '../../src/lib/errors.js'
import {tick} from '../../src/lib/ops/tick.js'
import {runHistory, runSimulate, type SimulateRequest} from '../../src/lib/simulate/operation.js'
import {summarize, timelineJson, type Timeline} from '../../src/lib/simulate/timeline.js'
import {renderTimeline} from '../../src/lib/simulate/render-text.js'
import {eventCommands} from '../../src/simulate-event-commands.js'
import type {Backend, TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog} from '../support/catalogs.js'

const T0 = Date.UTC(2026, 10, 30, 2, 0, 0)
const HOUR = 3_600_000
const at = (offsetMs: number) => new Date(T0 + offsetMs).toISOString()

/** Every table of the catalog schema, every row, and the id sequences, as one string. */
async function dump(db: Db): Promise<string> {
  const tables = await db.query<{table_name: string}>(
    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'mzcluster' AND table_type = 'BASE TABLE' ORDER BY table_name",
  )
  const parts: string[] = []
  for (const {table_name} of tables) {
    const rows = await db.query(`SELECT * FROM mzcluster."${table_name}" ORDER BY 1`)
    parts.push(`${table_name}: ${JSON.stringify(rows)}`)
  }
  const sequences = await db.query<{sequence_name: string}>(
    "SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = 'mzcluster' ORDER BY sequence_name",
  )
  for (const {sequence_name} of sequences) {
    const [row] = await db.query(`SELECT last_value, is_called FROM mzcluster."${sequence_name}"`)
    parts.push(`${sequence_name}: ${JSON.stringify(row)}`)
  }
  return parts.join('\n')
}

async function simulateDemo(db: Db, request: Omit<SimulateRequest, 'now'> = {}): Promise<Timeline> {
  return runSimulate(db, {now: String(T0), ...request}, await eventCommands())
}

async function refusal(promise: Promise<unknown>): Promise<MzclusterError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  )
  expect(error).toBeInstanceOf(MzclusterError)
  return error as MzclusterError
}

describe.each(backends())('simulate on the %s catalog', (backend: Backend) => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    await seedDemo(catalog.db, T0)
  })
  afterAll(async () => catalog?.destroy())

  it('writes nothing: a full catalog dump is identical before and after', async () => {
    const before = await dump(catalog.db)
    const timeline = await simulateDemo(catalog.db, {
      until: '+7d',
      events: ['+10m cluster alter prod --size 400cc', '+3h cluster create extra --size 50cc', '+4h flags set max_replicas_per_cluster=6', '+5h cluster drop extra --yes'],
    })
    expect(timeline.events.length).toBeGreaterThan(10)
    expect(await dump(catalog.db)).toBe(before)
  })

  it("the demo's next 24 hours: the documented JSON shape and what each cluster does", async () => {
    const timeline = await simulateDemo(catalog.db)
    const json = timelineJson(timeline)
    expect(Object.keys(json)).toEqual(expect.arrayContaining(['from', 'until', 'events', 'series', 'credits_total', 'peak']))
    expect(json.from).toBe(T0)
    expect(json.until).toBe(T0 + 24 * HOUR)
    for (const event of json.events) expect(Object.keys(event).sort()).toEqual(['at', 'cluster', 'kind', 'reason', 'replica', 'size'])
    for (const series of json.series) {
      for (const point of series.points) expect(Object.keys(point).sort()).toEqual(['at', 'credits_per_hour', 'replicas', 'sizes'])
    }
    expect(Object.keys(json.peak)).toEqual(expect.arrayContaining(['replicas', 'credits_per_hour']))
    const events = (cluster: string) => json.events.filter((event) => event.cluster === cluster).map((event) => [event.at - T0, event.kind, event.replica, event.reason])
    // search: its hydrated target cuts over on the first tick and the old replica is retired.
    expect(events('search')).toEqual([
      [0, 'reconfiguration', null, 'finalized'],
      [0, 'drop', 'r1', 'retired'],
    ])
    // analytics: no replica yet and objects to hydrate → a burst, torn down after its 10m linger.
    expect(events('analytics').map(([, kind, , reason]) => `${kind}:${reason}`)).toEqual([
      'burst:started',
      'create:manual',
      'create:hydration-burst',
      'burst:linger-elapsed',
      'drop:retired',
    ])
    // reports: on for its overdue refresh, off once hydrated (5m estimate), on again before midnight.
    const reports = events('reports')
    expect(reports.map(([, kind, , reason]) => `${kind}:${reason}`)).toEqual(['create:schedule', 'drop:retired', 'create:schedule', 'drop:retired'])
    const nextMidnight = Date.UTC(2026, 11, 1) - T0
    expect(reports[2]?.[0]).toBeLessThan(nextMidnight)
    expect(reports[2]?.[0]).toBeGreaterThanOrEqual(nextMidnight - 5 * 60_000)
    // prod and ingest hold steady.
    expect(events('prod')).toEqual([])
    // Credits: prod 2×2 + search 2 + analytics 1 + ingest 0.5 all day, plus the burst and refresh windows.
    expect(json.credits_total).toBeGreaterThan(7.5 * 24)
    expect(json.credits_total).toBeLessThan(7.5 * 24 + 3)
    expect(json.peak.replicas).toBe(2)
    expect(json.limits).toEqual({max_replicas_per_cluster: 5, max_credit_consumption_rate: 1024})
    const text = renderTimeline(timeline, {color: false})
    expect(text).toContain('Credits consumed over 24h:')
    expect(text).toMatch(/\+0s\s+search\s+~ reconfiguration in-progress → finalized\s+graceful-reconfiguration/)
  })

  it('an alter event reconfigures gracefully: target replicas, cut-over after hydration, old ones retired', async () => {
    const timeline = await simulateDemo(catalog.db, {until: '+1h', clusterNames: ['prod'], events: ['+10m cluster alter prod --size 400cc'], hydration: '2m'})
    const events = timelineJson(timeline).events.map((event) => [event.at - T0, event.kind, event.replica, event.size, event.reason])
    expect(events).toEqual([
      [10 * 60_000, 'event', null, null, 'cluster alter prod --size 400cc'],
      [10 * 60_000, 'create', 'r3', '400cc', 'reconfiguration'],
      [10 * 60_000, 'create', 'r4', '400cc', 'reconfiguration'],
      [12 * 60_000, 'reconfiguration', null, '400cc', 'finalized'],
      [12 * 60_000, 'drop', 'r1', '200cc', 'retired'],
      [12 * 60_000, 'drop', 'r2', '200cc', 'retired'],
    ])
    expect(timeline.spans).toEqual([{cluster: 'prod', kind: 'reconfiguration', size: '400cc', from: T0 + 10 * 60_000, until: T0 + 12 * 60_000, outcome: 'finalized'}])
    expect(summarize(timeline).peak.replicas).toBe(4)
  })

  it('a cancel event ends the in-flight reconfiguration and the target replicas go', async () => {
    const timeline = await simulateDemo(catalog.db, {until: '+1h', clusterNames: ['prod'], events: ['+10m cluster alter prod --size 400cc', '+20m cluster cancel prod'], hydration: '1h'})
    const kinds = timelineJson(timeline).events.map((event) => `${(event.at - T0) / 60_000}m ${event.kind} ${event.replica ?? ''} ${event.reason}`)
    expect(kinds).toEqual(['10m event  cluster alter prod --size 400cc', '10m create r3 reconfiguration', '10m create r4 reconfiguration', '20m event  cluster cancel prod', '20m drop r3 retired', '20m drop r4 retired'])
    expect(timeline.spans[0]?.outcome).toBe('cancelled')
  })

  it('resource limits apply as in a real tick: a reconfiguration over the credit limit is shed', async () => {
    const timeline = await simulateDemo(catalog.db, {
      until: '+1h',
      clusterNames: ['prod'],
      events: ['+10m cluster alter prod --size 400cc', '+10m flags set max_credit_consumption_rate=12'],
    })
    const events = timelineJson(timeline).events.map((event) => `${event.kind}:${event.reason}`)
    expect(events).toEqual(['event:cluster alter prod --size 400cc', 'event:flags set max_credit_consumption_rate=12', 'resource-exhausted:resource-exhausted', 'reconfiguration:resource-exhausted'])
    expect(summarize(timeline).series[0]?.points.map((point) => point.replicas)).toEqual([2])
  })

  it('a bad event is refused with exit 2 before anything runs', async () => {
    const commands = await eventCommands()
    const cases: [string[], RegExp][] = [
      [['+10m cluster alter prod --size 999cc'], /unknown cluster replica size "999cc"/],
      [['+10m cluster alter prod --sise 400cc'], /Nonexistent flag: --sise/],
      [['+10m cluster frobnicate prod'], /"cluster frobnicate" cannot be simulated/],
      [['soon cluster alter prod --size 400cc'], /invalid time "soon"/],
      [['+48h cluster alter prod --size 400cc'], /outside the simulated window/],
      [['+10m cluster alter nowhere --size 400cc'], /unknown cluster "nowhere"/],
      [['+10m cluster cancel prod'], /cluster "prod" has no reconfiguration in progress/],
      [['+10m flags set no_such_flag=1'], /unknown parameter "no_such_flag"/],
      [['+10m cluster alter prod --wait-for 5m --timeout 5m --size 400cc'], /--wait-for and --timeout are alternatives/],
      [['+10m cluster alter search --replication-factor 2', '+1m cluster alter search --size 400cc'], /cannot change replication factor while a reconfiguration is in progress/],
      // Flags that say how the real command runs would be ignored inside an event: refused.
      [['+10m cluster alter prod --size 400cc --dry-run'], /--dry-run has no meaning in a simulated event/],
      [['+10m flags set max_credit_consumption_rate=12 --dry-run'], /--dry-run has no meaning in a simulated event/],
      [['+10m cluster alter prod --size 400cc --wait'], /--wait has no meaning in a simulated event/],
      [['+10m cluster alter prod --size 400cc --background'], /--background has no meaning in a simulated event/],
      [['+10m cluster alter prod --size 400cc', '+20m cluster cancel prod --no-drive'], /--no-drive has no meaning in a simulated event/],
      [['+10m cluster alter prod --size 400cc', '+20m cluster cancel prod --timeout 5m'], /--timeout has no meaning in a simulated event/],
      [['+10m cluster alter prod --size 400cc --flags-file flags.json'], /--flags-file has no meaning in a simulated event/],
    ]
    for (const [events, message] of cases) {
      const error = await refusal(runSimulate(catalog.db, {now: String(T0), events, hydration: '1h'}, commands))
      expect(error.exitCode).toBe(2)
      expect(error.message).toMatch(message)
    }
  })

  it('--cluster names an unknown cluster: exit 2', async () => {
    const error = await refusal(simulateDemo(catalog.db, {clusterNames: ['nope']}))
    expect(error.exitCode).toBe(2)
  })
})

describe.each(backends())('history on the %s catalog', (backend: Backend) => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog(backend)
  })
  afterAll(async () => catalog?.destroy())

  it('prices each replica lifetime from the audit log and shows the reconfiguration as a span', async () => {
    const db = catalog.db
    await createCluster(db, 'h1', parseClusterOptions({size: '100cc'}), {nowMs: T0})
    await tick(db, {nowMs: T0}) // creates r1 (100cc, 1 credit/h)
    await alterCluster(db, 'h1', {size: '200cc', timing: {kind: 'default'}}, T0 + HOUR)
    await tick(db, {nowMs: T0 + HOUR}) // creates r2 (200cc)
    await db.query('INSERT INTO mzcluster.replica_status (replica_id, online, reported_at) SELECT id, true, $1 FROM mzcluster.replicas', [T0 + 2 * HOUR])
    await tick(db, {nowMs: T0 + 2 * HOUR}) // r2 hydrated (no objects): cut over, r1 retired
    const timeline = await runHistory(db, {since: at(-HOUR), until: at(4 * HOUR)})
    const json = timelineJson(timeline)
    expect(json.replicas.map((span) => [span.replica, span.size, span.reason, span.created - T0, span.dropped === null ? null : span.dropped - T0])).toEqual([
      ['r1', '100cc', 'manual', 0, 2 * HOUR],
      ['r2', '200cc', 'reconfiguration', HOUR, null],
    ])
    // r1: 2h × 1 credit/h; r2: 3h × 2 credits/h.
    expect(json.credits_total).toBe(2 + 6)
    expect(json.peak).toMatchObject({replicas: 2, credits_per_hour: 3})
    expect(json.spans).toEqual([{cluster: 'h1', kind: 'reconfiguration', size: '200cc', from: T0 + HOUR, until: T0 + 2 * HOUR, outcome: 'finalized'}])
    const text = renderTimeline(timeline, {color: false})
    expect(text).toContain('Credits consumed over 5h: 8.')
    expect(text).toMatch(/2026-11-30T03:00:00Z\s+h1\s+\+ replica r2 200cc\s+reconfiguration/)
  })

  it('shows what operators did to clusters: creates, configuration-only edits and drops', async () => {
    const db = catalog.db
    await createCluster(db, 'h2', parseClusterOptions({size: '100cc', replicationFactor: '0'}), {nowMs: T0 + 3 * HOUR})
    await alterCluster(db, 'h2', {schedule: {kind: 'on-refresh', hydrationTimeEstimateMs: 300_000}, availabilityZones: ['use1-az1'], timing: {kind: 'default'}}, T0 + 3 * HOUR + 60_000)
    const timeline = await runHistory(db, {cluster: 'h2', since: at(-HOUR), until: at(4 * HOUR)})
    expect(timeline.events.map((event) => [event.at - T0, event.kind, event.reason])).toEqual([
      [3 * HOUR, 'event', 'cluster create h2: size 100cc, replication_factor 0'],
      [3 * HOUR + 60_000, 'event', 'cluster alter h2: availability_zones none → use1-az1, schedule manual → on-refresh (hydration 5m)'],
    ])
    // A configuration edit starts no reconfiguration and creates no replica.
    expect(timeline.spans).toEqual([])
    expect(timeline.replicas).toEqual([])
    expect(renderTimeline(timeline, {color: false})).toMatch(/h2\s+~ cluster alter h2: availability_zones none → use1-az1, schedule manual → on-refresh \(hydration 5m\)\s+event/)
  })

  it('--cluster keeps one lane; an unknown cluster is exit 2', async () => {
    const timeline = await runHistory(catalog.db, {cluster: 'h1', since: at(-HOUR), until: at(4 * HOUR)})
    expect(timeline.clusters).toEqual(['h1'])
    const error = await refusal(runHistory(catalog.db, {cluster: 'nope'}))
    expect(error.exitCode).toBe(2)
  })
})
