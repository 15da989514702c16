// `simulate --event 'T ACTION'`: the one place that maps a command line to a change of the
// simulated world. Each action is parsed with the real command's flag definitions and the same
// parsers the real command uses (parseAlterFlags, parseClusterOptions, parseSettings,
// parseFrontierReport); alter and cancel are decided by the real commands' pure decisions
// (decideAlter, decideCancel) against the simulated world at the event's time. Every refusal is a
// UsageError (exit 2).

import * as Parser from '@oclif/core/parser'
import type {ClusterRow} from '../catalog/cluster-rows.js'
import {burstToJson, loggingToJson, policyToJson, scheduleToJson} from '../catalog/cluster-rows.js'
import type {AlterDecision, AlterEnvironment} from '../alter/alter.js'
import {alterSubject, decideAlter, decideCancel, nextColumns} from '../alter/alter.js'
import {parseAlterFlags, type AlterFlags} from '../alter/parse.js'
import type {AlterRequest} from '../alter/route.js'
import type {ClusterOptionFlagValues} from '../ddl/cluster-flags.js'
import {clusterOptionInput} from '../ddl/cluster-flags.js'
import type {ClusterSpec} from '../ddl/cluster-options.js'
import {parseClusterOptions} from '../ddl/cluster-options.js'
import {MzclusterError, NotFoundError, UsageError} from '../errors.js'
import type {ParsedSetting, SettingTarget} from '../flags/settings.js'
import {parseSettings} from '../flags/settings.js'
import {parseNow} from '../input/time.js'
import type {ReplicaRef} from '../input/names.js'
import {parseReplicaRef, validateName} from '../input/names.js'
import type {PlanLine} from '../output/plan-text.js'
import type {FrontierReport} from '../signals/frontier.js'
import {parseFrontierReport} from '../signals/frontier.js'
import type {TimelineBuilder} from './timeline.js'
import type {SimWorld} from './world.js'

/** A command's flag and argument definitions, as oclif declares them on the command class. */
export interface EventCommand {
  readonly flags?: Record<string, unknown>
  readonly args?: Record<string, unknown>
  readonly strict?: boolean
}

/** The commands an event may run, by id (`cluster alter`, `signal frontier`, …). */
export type EventCommands = ReadonlyMap<string, EventCommand>

export const EVENT_COMMAND_IDS = [
  'cluster alter',
  'cluster cancel',
  'cluster create',
  'cluster drop',
  'signal online',
  'signal hydration',
  'signal frontier',
  'flags set',
] as const

export type EventAction =
  | {readonly kind: 'alter'; readonly cluster: string; readonly request: AlterRequest}
  | {readonly kind: 'cancel'; readonly cluster: string}
  | {readonly kind: 'create'; readonly cluster: string; readonly spec: ClusterSpec}
  | {readonly kind: 'drop'; readonly cluster: string; readonly cascade: boolean}
  | {readonly kind: 'online'; readonly replica: ReplicaRef; readonly online: boolean}
  | {readonly kind: 'hydration'; readonly replica: ReplicaRef; readonly hydrated: boolean}
  | {readonly kind: 'frontier'; readonly object: string; readonly report: FrontierReport}
  | {readonly kind: 'flags'; readonly target: SettingTarget; readonly settings: readonly ParsedSetting[]}

export interface ScheduledEvent {
  readonly atMs: number
  /** The action as typed, for lines. */
  readonly text: string
  /** The whole `T ACTION` as given, for messages. */
  readonly source: string
  readonly action: EventAction
}

/** Shell-like words: whitespace-separated, with '…' and "…" quoting and \ escapes. */
export function splitWords(text: string): string[] {
  const words: string[] = []
  let word: string | null = null
  let quote: '"' | "'" | null = null
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string
    if (quote !== null) {
      if (ch === quote) quote = null
      else if (ch === '\\' && quote === '"' && i + 1 < text.length) word += text[++i] as string
      else word += ch
    } else if (ch === "'" || ch === '"') {
      quote = ch
      word ??= ''
    } else if (ch === '\\' && i + 1 < text.length) {
      word = (word ?? '') + (text[++i] as string)
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word)
      word = null
    } else {
      word = (word ?? '') + ch
    }
  }
  if (quote !== null) throw new UsageError(`unterminated ${quote} quote`, {code: 'INVALID_EVENT'})
  if (word !== null) words.push(word)
  return words
}

function eventError(text: string, error: unknown): UsageError {
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error)
  const hint = error instanceof MzclusterError ? error.hint : undefined
  return new UsageError(`--event ${JSON.stringify(text)}: ${message}`, {code: error instanceof MzclusterError ? error.code : 'INVALID_EVENT', hint})
}

/**
 * Flags of the real commands that say how the command runs (describe instead of write, wait, drive,
 * where flags are evaluated) rather than what it changes, with the events that define them. Inside an event they would be
 * ignored, so they are refused.
 */
const RUN_ONLY_FLAGS: Readonly<Record<string, readonly string[]>> = {
  'dry-run': EVENT_COMMAND_IDS,
  wait: ['cluster alter'],
  background: ['cluster alter', 'cluster cancel'],
  'no-drive': ['cluster alter', 'cluster cancel'],
  timeout: ['cluster cancel'],
  // The flag source of the ticks a real alter or cancel drives; a simulation evaluates no flags.
  'flags-file': ['cluster alter', 'cluster cancel', 'cluster create'],
  'sdk-key': ['cluster alter', 'cluster cancel', 'cluster create'],
  'key-map': ['cluster alter', 'cluster cancel', 'cluster create'],
}

/** Parse one `T ACTION` (T relative to `startMs`); refuses what the real command would refuse before reading the catalog. */
export async function parseEvent(text: string, startMs: number, commands: EventCommands): Promise<ScheduledEvent> {
  try {
    const words = splitWords(text)
    const [time, topic, verb, ...rest] = words
    if (time === undefined || topic === undefined || verb === undefined) {
      throw new UsageError("expected 'T ACTION', e.g. '+10m cluster alter prod --size 200cc'", {code: 'INVALID_EVENT'})
    }
    const atMs = parseNow(time, startMs)
    const id = `${topic} ${verb}`
    const command = commands.get(id)
    if (command === undefined || !(EVENT_COMMAND_IDS as readonly string[]).includes(id)) {
      throw new UsageError(`${JSON.stringify(id)} cannot be simulated`, {code: 'INVALID_EVENT', hint: `events run ${EVENT_COMMAND_IDS.join(', ')}`})
    }
    const parsed = await Parser.parse(rest, {
      flags: (command.flags ?? {}) as never,
      args: (command.args ?? {}) as never,
      strict: command.strict ?? true,
      context: undefined as never,
    })
    const given = parsed.raw.flatMap((token) => (token.type === 'flag' ? [token.flag] : []))
    const runOnly = given.find((flag) => RUN_ONLY_FLAGS[flag]?.includes(id) ?? false)
    if (runOnly !== undefined) {
      throw new UsageError(`--${runOnly} has no meaning in a simulated event`, {
        code: 'INVALID_EVENT',
        hint: `drop --${runOnly}: the simulation applies the change and plays it out`,
      })
    }
    const flags = parsed.flags as Record<string, unknown>
    const args = parsed.args as Record<string, string>
    const action = parseAction(id, flags, args, parsed.argv as string[], atMs)
    return {atMs, text: [topic, verb, ...rest].join(' '), source: text, action}
  } catch (error) {
    throw eventError(text, error)
  }
}

function parseAction(id: string, flags: Record<string, unknown>, args: Record<string, string>, argv: string[], atMs: number): EventAction {
  switch (id) {
    case 'cluster alter':
      return {kind: 'alter', cluster: args.name as string, request: parseAlterFlags(flags as AlterFlags)}
    case 'cluster cancel':
      return {kind: 'cancel', cluster: args.name as string}
    case 'cluster create':
      validateName('cluster', args.name as string)
      return {kind: 'create', cluster: args.name as string, spec: parseClusterOptions(clusterOptionInput(flags as ClusterOptionFlagValues))}
    case 'cluster drop':
      return {kind: 'drop', cluster: args.name as string, cascade: Boolean(flags.cascade)}
    case 'signal online':
      return {kind: 'online', replica: parseReplicaRef(args.replica as string), online: !flags.offline}
    case 'signal hydration':
      return {kind: 'hydration', replica: parseReplicaRef(args.replica as string), hydrated: !flags['not-hydrated']}
    case 'signal frontier':
      return {kind: 'frontier', object: args.object as string, report: parseFrontierReport(flags as {upper?: string; sealed?: boolean}, atMs)}
    default: {
      if (flags.cluster !== undefined && flags.replica !== undefined) {
        throw new UsageError('give --cluster or --replica, not both', {code: 'INVALID_USAGE'})
      }
      const target: SettingTarget =
        flags.replica !== undefined
          ? {kind: 'replica', replica: parseReplicaRef(flags.replica as string)}
          : flags.cluster !== undefined
            ? {kind: 'cluster', cluster: validateName('cluster', flags.cluster as string)}
            : {kind: 'environment'}
      return {kind: 'flags', target, settings: parseSettings(argv, target)}
    }
  }
}

// --- applying an event to the world -------------------------------------------------------------

export interface EventEffect {
  /** Clusters whose controller input changed (they tick at once); 'all' after a parameter change. */
  readonly touched: readonly string[] | 'all'
}

function requireCluster(world: SimWorld, name: string): ClusterRow {
  const cluster = world.byName(name)
  if (cluster === undefined) throw NotFoundError.of('cluster', name, 'list clusters with `mzcluster cluster list`')
  return cluster.row
}

function requireSize(world: SimWorld, size: string, option = '--size'): void {
  const known = world.sizes.get(size)
  if (known === undefined) throw new UsageError(`unknown cluster replica size ${JSON.stringify(size)} (${option})`, {code: 'UNKNOWN_SIZE', hint: 'list sizes with `mzcluster size list`'})
  if (known.disabled) throw new UsageError(`replica size ${JSON.stringify(size)} is not allowed (${option})`, {code: 'SIZE_NOT_ALLOWED'})
}

function findReplica(world: SimWorld, ref: ReplicaRef) {
  const cluster = world.byName(ref.cluster)
  if (cluster === undefined) throw NotFoundError.of('cluster', ref.cluster)
  const replica = cluster.replicas.find((candidate) => candidate.replica.name === ref.replica)
  if (replica === undefined) throw new NotFoundError(`unknown replica ${JSON.stringify(ref.replica)} in cluster ${JSON.stringify(ref.cluster)} at that time`, {code: 'REPLICA_NOT_FOUND'})
  return replica
}

const eventLine = (text: string): PlanLine => ({marker: '~', text, reason: 'event'})

function recordEvent(builder: TimelineBuilder, event: ScheduledEvent, cluster: string): void {
  builder.event({at: event.atMs, cluster, kind: 'event', replica: null, size: null, reason: event.text, line: eventLine(event.text)})
}

/** Apply one event to the world at its time, recording it; throws a UsageError naming the event. */
export function applyEvent(world: SimWorld, builder: TimelineBuilder, event: ScheduledEvent): EventEffect {
  try {
    return applyAction(world, builder, event)
  } catch (error) {
    if (error instanceof UsageError) throw eventError(event.source, error)
    throw error
  }
}

function applyAction(world: SimWorld, builder: TimelineBuilder, event: ScheduledEvent): EventEffect {
  const {action, atMs} = event
  const parameters = world.parameters
  switch (action.kind) {
    case 'alter':
    case 'cancel': {
      const current = requireCluster(world, action.cluster)
      const subject = alterSubject(current)
      const decision = action.kind === 'alter' ? decideAlter(subject, action.request, alterEnvironment(world, current, atMs)) : decideCancel(subject)
      recordEvent(builder, event, current.name)
      applyDecision(world, builder, current, decision, atMs)
      return {touched: decision.route.kind === 'unchanged' ? [] : [current.id]}
    }
    case 'create': {
      if (world.byName(action.cluster) !== undefined) {
        throw new UsageError(`cluster ${JSON.stringify(action.cluster)} already exists`, {code: 'CLUSTER_EXISTS'})
      }
      if (action.cluster.startsWith('mz_')) {
        throw new UsageError(`cluster name ${JSON.stringify(action.cluster)} is reserved: names starting with mz_ belong to builtin clusters`, {code: 'RESERVED_NAME'})
      }
      const spec = action.spec
      if (spec.managed) {
        requireSize(world, spec.size)
        if (spec.autoScalingPolicy?.onHydration) requireSize(world, spec.autoScalingPolicy.onHydration.hydrationSize, '--hydration-size')
        const limit = parameters.number('max_replicas_per_cluster')
        if (spec.replicationFactor > limit) {
          throw new UsageError(`cluster ${JSON.stringify(action.cluster)} would have ${spec.replicationFactor} replicas, over the max_replicas_per_cluster limit of ${limit} (current: 0)`, {code: 'RESOURCE_LIMIT'})
        }
      }
      const created = world.addCluster({
        name: action.cluster,
        builtin: false,
        managed: spec.managed,
        size: spec.managed ? spec.size : null,
        replication_factor: spec.managed ? spec.replicationFactor : null,
        availability_zones: spec.managed ? [...spec.availabilityZones] : [],
        logging: loggingToJson(spec.managed ? spec.logging : {logLogging: false, intervalMs: 1000}),
        schedule: scheduleToJson(spec.managed ? spec.schedule : {kind: 'manual'}),
        auto_scaling_strategy: spec.managed ? policyToJson(spec.autoScalingPolicy) : null,
        reconfiguration: null,
        burst: burstToJson(null),
        features: {...spec.features},
        owner: 'mzcluster',
        version: 1,
        created_at: atMs,
      })
      recordEvent(builder, event, created.row.name)
      return {touched: [created.row.id]}
    }
    case 'drop': {
      const current = requireCluster(world, action.cluster)
      if (current.builtin) throw new UsageError(`cannot drop builtin cluster ${JSON.stringify(current.name)}`, {code: 'BUILTIN_CLUSTER'})
      const objects = world.clusters.get(current.id)?.objectNames ?? []
      if (objects.length > 0 && !action.cascade) {
        throw new UsageError(`cluster ${JSON.stringify(current.name)} still has ${objects.length} object${objects.length === 1 ? '' : 's'} bound to it`, {
          code: 'CLUSTER_NOT_EMPTY',
          hint: 'pass --cascade to drop them too',
        })
      }
      recordEvent(builder, event, current.name)
      for (const replica of world.removeCluster(current.id)) {
        const size = replica.replica.shape?.size ?? null
        builder.event({
          at: atMs,
          cluster: current.name,
          kind: 'drop',
          replica: replica.replica.name,
          size,
          reason: 'cluster-dropped',
          line: {marker: '-', text: `replica ${replica.replica.name}${size === null ? '' : ` ${size}`}`, reason: 'cluster-dropped'},
        })
      }
      builder.closeCluster(current.name, atMs)
      return {touched: []}
    }
    case 'online':
    case 'hydration': {
      const replica = findReplica(world, action.replica)
      const up = action.kind === 'online' ? action.online : action.hydrated
      // Online alone does not hydrate: it hands the replica back to the simulated signals.
      replica.hydratedOverride = action.kind === 'online' ? (up ? null : false) : up
      recordEvent(builder, event, action.replica.cluster)
      const cluster = world.byName(action.replica.cluster)
      return {touched: cluster ? [cluster.row.id] : []}
    }
    case 'frontier': {
      const found = world.findRefreshMv(action.object)
      if (found === undefined) {
        if (!world.hasObject(action.object)) throw NotFoundError.of('object', action.object, 'list objects with `mzcluster object list`')
        recordEvent(builder, event, '')
        return {touched: []}
      }
      found.mv.frontier = action.report.kind === 'sealed' ? null : action.report.upperMs
      recordEvent(builder, event, found.cluster.row.name)
      return {touched: [found.cluster.row.id]}
    }
    case 'flags': {
      const target = action.target
      if (target.kind === 'cluster') requireCluster(world, target.cluster)
      if (target.kind === 'replica') findReplica(world, target.replica)
      if (target.kind === 'environment') for (const setting of action.settings) world.setParameter(setting.def.name, setting.value)
      recordEvent(builder, event, target.kind === 'cluster' ? target.cluster : target.kind === 'replica' ? target.replica.cluster : '')
      return {touched: target.kind === 'environment' ? 'all' : []}
    }
  }
}

/** The facts `cluster alter` checks against, as they stand in the simulated world. */
function alterEnvironment(world: SimWorld, current: ClusterRow, nowMs: number): AlterEnvironment {
  const own = world.clusters.get(current.id)?.replicas.reduce((sum, replica) => sum + world.credits(replica.replica.shape?.size ?? null), 0) ?? 0
  return {
    nowMs,
    controllerEnabled: world.parameters.bool('enable_cluster_controller'),
    defaultTimeoutMs: world.number('default_cluster_reconfiguration_timeout'),
    maxReplicasPerCluster: world.number('max_replicas_per_cluster'),
    maxCreditsPerHour: world.number('max_credit_consumption_rate'),
    sizes: new Map([...world.creditsBySize].map(([name, creditsPerHour]) => [name, {creditsPerHour, disabled: world.sizes.get(name)?.disabled ?? false}])),
    otherClustersCreditsPerHour: world.creditUsage - own,
  }
}

/** Write an alter or cancel decision into the world, with its reconfiguration and burst spans. */
function applyDecision(world: SimWorld, builder: TimelineBuilder, current: ClusterRow, decision: AlterDecision, atMs: number): void {
  const route = decision.route
  const next = nextColumns(current, route)
  if (next === null) return
  if (route.kind === 'reshape') {
    if (route.transition === 'started') builder.openSpan(current.name, 'reconfiguration', route.record.target.size, atMs)
    else builder.closeSpan(current.name, 'reconfiguration', atMs, 'cancelled')
  }
  if (route.kind === 'direct' && route.retiredRecord) builder.closeSpan(current.name, 'reconfiguration', atMs, 'cancelled')
  if ((route.kind === 'direct' || route.kind === 'reshape') && route.burstRetired) builder.closeSpan(current.name, 'burst', atMs, 'no-longer-warranted')
  world.setRow({...current, ...next, availability_zones: [...next.availability_zones], version: current.version + 1})
}
