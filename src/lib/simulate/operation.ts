// The operations behind `simulate` and `history`: parse and check the request, read the catalog
// (never writing), and return the timeline that both commands render the same way.

import {readHistorySource} from '../catalog/audit-history.js'
import type {Db} from '../catalog/db.js'
import {readCatalogSnapshot} from '../catalog/snapshot.js'
import {NotFoundError, UsageError} from '../errors.js'
import {parseDuration} from '../input/duration.js'
import {parseNow} from '../input/time.js'
import {simulate} from './engine.js'
import type {EventCommands, ScheduledEvent} from './events.js'
import {parseEvent} from './events.js'
import {buildHistory} from './history.js'
import type {Timeline} from './timeline.js'
import {SimWorld} from './world.js'

export interface SimulateRequest {
  readonly now?: string
  readonly until?: string
  readonly clusterNames?: readonly string[]
  readonly events?: readonly string[]
  readonly hydration?: string
  readonly onWarning?: (warning: string) => void
}

export const DEFAULT_HORIZON = '+24h'

/** Parse every event (in time order, stable) before anything runs; a bad one is exit 2. */
export async function parseEvents(texts: readonly string[], startMs: number, untilMs: number, commands: EventCommands): Promise<ScheduledEvent[]> {
  const events: ScheduledEvent[] = []
  for (const text of texts) {
    const event = await parseEvent(text, startMs, commands)
    if (event.atMs < startMs || event.atMs > untilMs) {
      throw new UsageError(`--event ${JSON.stringify(text)}: its time is outside the simulated window (${new Date(startMs).toISOString()} to ${new Date(untilMs).toISOString()})`, {code: 'INVALID_EVENT'})
    }
    events.push(event)
  }
  return events.map((event, index) => ({event, index})).sort((a, b) => a.event.atMs - b.event.atMs || a.index - b.index).map(({event}) => event)
}

export async function runSimulate(db: Db, request: SimulateRequest, commands: EventCommands): Promise<Timeline> {
  const startMs = request.now === undefined ? Date.now() : parseNow(request.now, Date.now())
  const untilMs = parseNow(request.until ?? DEFAULT_HORIZON, startMs)
  if (untilMs <= startMs) throw new UsageError(`--until must be after the start (${new Date(startMs).toISOString()})`, {code: 'INVALID_TIME'})
  const hydrationMs = request.hydration === undefined ? undefined : parseDuration(request.hydration)
  const events = await parseEvents(request.events ?? [], startMs, untilMs, commands)
  const world = new SimWorld(await readCatalogSnapshot(db))
  for (const name of request.clusterNames ?? []) {
    const cluster = world.byName(name)
    if (cluster === undefined) throw NotFoundError.of('cluster', name, 'list clusters with `mzcluster cluster list`')
    if (cluster.row.builtin) throw new UsageError(`cluster ${JSON.stringify(name)} is builtin; the controller does not own its replicas`, {code: 'NOT_CONTROLLED'})
  }
  return simulate(world, {fromMs: startMs, untilMs, events, hydrationMs, clusterNames: request.clusterNames, onWarning: request.onWarning})
}

export interface HistoryRequest {
  readonly cluster?: string
  readonly since?: string
  readonly until?: string
}

export async function runHistory(db: Db, request: HistoryRequest): Promise<Timeline> {
  const nowMs = Date.now()
  const untilMs = request.until === undefined ? nowMs : parseNow(request.until, nowMs)
  // Offsets count from now; without --since the window is the 24 hours before --until.
  const sinceMs = request.since === undefined ? untilMs - 86_400_000 : parseNow(request.since, nowMs)
  if (untilMs <= sinceMs) throw new UsageError('--until must be after --since', {code: 'INVALID_TIME'})
  const source = await readHistorySource(db, {untilMs, cluster: request.cluster})
  const clusterNames =
    request.cluster === undefined ? source.clusterNames : source.clusterNames.filter((name) => name === request.cluster)
  if (request.cluster !== undefined && clusterNames.length === 0 && source.events.length === 0) {
    throw NotFoundError.of('cluster', request.cluster, 'list clusters with `mzcluster cluster list`')
  }
  return buildHistory({...source, clusterNames}, {sinceMs, untilMs})
}
