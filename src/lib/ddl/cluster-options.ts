// Cluster options as typed on the command line (`cluster create`, and the shared parts of
// `cluster alter`) parsed once into a typed ClusterSpec, with the seed's validations and messages
// (controller-spec §5.5). Pure: checks that need the catalog (sizes, limits, names) live in
// clusters.ts.

import type {AutoScalingPolicy, DurationMs, Logging, Schedule} from '../controller/context.js'
import {DEFAULT_LOGGING} from '../controller/context.js'
import {UsageError} from '../errors.js'
import {parseSettings} from '../flags/settings.js'
import {parseDuration} from '../input/duration.js'
import {parseAzList} from '../input/names.js'
import {AUTO_SCALING_WITH_SCHEDULE_MESSAGE, hydrationSizeEqualsSizeMessage, REPLICATION_FACTOR_WITH_SCHEDULE_MESSAGE} from '../input/cluster-refusals.js'

/** The raw option values of `cluster create` (undefined = not given). */
export interface ClusterOptionInput {
  readonly size?: string
  readonly replicationFactor?: string
  readonly availabilityZones?: string
  readonly introspectionDebugging?: boolean
  readonly introspectionInterval?: string
  readonly schedule?: string
  readonly hydrationTimeEstimate?: string
  readonly hydrationSize?: string
  readonly linger?: string
  readonly features?: readonly string[]
  readonly unmanaged?: boolean
}

export interface ManagedClusterSpec {
  readonly managed: true
  readonly size: string
  readonly replicationFactor: number
  /** Ordered: the provisioning order. */
  readonly availabilityZones: readonly string[]
  readonly logging: Logging
  readonly schedule: Schedule
  readonly autoScalingPolicy: AutoScalingPolicy | null
  /** Manual pins of cluster-scoped parameters, raw as given (`clusters.features`). */
  readonly features: Readonly<Record<string, string>>
}

export interface UnmanagedClusterSpec {
  readonly managed: false
  readonly features: Readonly<Record<string, string>>
}

export type ClusterSpec = ManagedClusterSpec | UnmanagedClusterSpec

/** The flag that sets each option, for messages. */
export const OPTION_FLAGS: Readonly<Record<keyof ClusterOptionInput, string>> = {
  size: '--size',
  replicationFactor: '--replication-factor',
  availabilityZones: '--availability-zones',
  introspectionDebugging: '--introspection-debugging',
  introspectionInterval: '--introspection-interval',
  schedule: '--schedule',
  hydrationTimeEstimate: '--hydration-time-estimate',
  hydrationSize: '--hydration-size',
  linger: '--linger',
  features: '--feature',
  unmanaged: '--unmanaged',
}

export const SCHEDULES = ['manual', 'on-refresh'] as const

// The seed's refusals (controller-spec §5.5), in the CLI's words: the flags, not SQL keywords.
export {AUTO_SCALING_WITH_SCHEDULE_MESSAGE, hydrationSizeEqualsSizeMessage, REPLICATION_FACTOR_WITH_SCHEDULE_MESSAGE}

/** The largest replication factor the catalog can store; max_replicas_per_cluster bounds it further. */
export const MAX_REPLICATION_FACTOR = 2_147_483_647

/** Parse options into a spec; every refusal is a UsageError naming the flag. */
export function parseClusterOptions(input: ClusterOptionInput): ClusterSpec {
  const features = parseFeatures(input.features ?? [])
  if (input.unmanaged) {
    const managedOnly = (Object.keys(OPTION_FLAGS) as (keyof ClusterOptionInput)[]).filter(
      (key) => key !== 'unmanaged' && key !== 'features' && input[key] !== undefined,
    )
    if (managedOnly.length > 0) {
      const flags = managedOnly.map((key) => OPTION_FLAGS[key]).join(', ')
      throw new UsageError(
        `${flags} ${managedOnly.length === 1 ? 'does' : 'do'} not apply to unmanaged clusters`,
        {
          code: 'UNMANAGED_OPTION',
          hint: 'an unmanaged cluster gets its replicas from `mzcluster replica create`; drop --unmanaged for a managed cluster',
        },
      )
    }
    return {managed: false, features}
  }
  if (input.size === undefined) {
    throw new UsageError('--size is required for a managed cluster', {
      code: 'MISSING_SIZE',
      hint: 'pass --size (see `mzcluster size list`), or --unmanaged for a cluster without managed replicas',
    })
  }
  const size = input.size
  const schedule = parseSchedule(input.schedule, input.hydrationTimeEstimate)
  if (schedule.kind !== 'manual' && input.replicationFactor !== undefined) {
    throw new UsageError(REPLICATION_FACTOR_WITH_SCHEDULE_MESSAGE, {
      code: 'INVALID_OPTIONS',
      hint: 'an ON REFRESH cluster runs one replica only while a refresh is due; drop --replication-factor',
    })
  }
  // ON REFRESH holds rf at 0: the schedule, not a count, decides when a replica runs.
  const replicationFactor =
    schedule.kind === 'manual'
      ? input.replicationFactor === undefined
        ? 1
        : parseReplicationFactor(input.replicationFactor)
      : 0
  const autoScalingPolicy = parseAutoScaling(input.hydrationSize, input.linger)
  checkAutoScalingSchedule(autoScalingPolicy, schedule)
  checkHydrationSize(autoScalingPolicy, size)
  return {
    managed: true,
    size,
    replicationFactor,
    availabilityZones: input.availabilityZones === undefined ? [] : parseAzList(input.availabilityZones),
    logging: {
      logLogging: input.introspectionDebugging ?? DEFAULT_LOGGING.logLogging,
      intervalMs:
        input.introspectionInterval === undefined
          ? DEFAULT_LOGGING.intervalMs
          : parseIntrospectionInterval(input.introspectionInterval),
    },
    schedule,
    autoScalingPolicy,
    features,
  }
}

/** A replication factor: a whole number ≥ 0 (the limit is checked against the catalog). */
export function parseReplicationFactor(text: string): number {
  const trimmed = text.trim()
  if (!/^\d+$/.test(trimmed)) {
    throw new UsageError(
      `invalid replication factor ${JSON.stringify(text)}: expected a whole number, 0 or more`,
      {
        code: 'INVALID_REPLICATION_FACTOR',
      },
    )
  }
  if (BigInt(trimmed) > BigInt(MAX_REPLICATION_FACTOR)) {
    throw new UsageError(
      `invalid replication factor ${JSON.stringify(text)}: too large, the maximum is ${MAX_REPLICATION_FACTOR}`,
      {
        code: 'INVALID_REPLICATION_FACTOR',
        hint: 'a cluster runs at most max_replicas_per_cluster replicas (see `mzcluster flags dump --resolved`)',
      },
    )
  }
  return Number(trimmed)
}

/** INTROSPECTION INTERVAL: a duration; 0 turns introspection off and is stored as null. */
export function parseIntrospectionInterval(text: string): DurationMs | null {
  const ms = parseDuration(text)
  return ms === 0 ? null : ms
}

export function parseSchedule(kind: string | undefined, hydrationTimeEstimate: string | undefined): Schedule {
  if (kind !== undefined && !(SCHEDULES as readonly string[]).includes(kind)) {
    throw new UsageError(`invalid schedule ${JSON.stringify(kind)}: use manual or on-refresh`, {
      code: 'INVALID_SCHEDULE',
    })
  }
  if (kind !== 'on-refresh') {
    if (hydrationTimeEstimate !== undefined) {
      throw new UsageError('--hydration-time-estimate only applies with --schedule on-refresh', {
        code: 'INVALID_OPTIONS',
      })
    }
    return {kind: 'manual'}
  }
  return {
    kind: 'on-refresh',
    hydrationTimeEstimateMs: hydrationTimeEstimate === undefined ? 0 : parseDuration(hydrationTimeEstimate),
  }
}

/** `--hydration-size S [--linger D]` is the ON HYDRATION strategy; an omitted linger stores null. */
export function parseAutoScaling(
  hydrationSize: string | undefined,
  linger: string | undefined,
): AutoScalingPolicy | null {
  if (hydrationSize === undefined) {
    if (linger !== undefined) {
      throw new UsageError('--linger requires --hydration-size', {
        code: 'INVALID_OPTIONS',
        hint: 'the linger duration belongs to the hydration-burst strategy that --hydration-size enables',
      })
    }
    return null
  }
  if (hydrationSize.trim() === '')
    throw new UsageError('--hydration-size must not be empty', {code: 'UNKNOWN_SIZE'})
  return {onHydration: {hydrationSize, lingerMs: linger === undefined ? null : parseDuration(linger)}}
}

export function checkAutoScalingSchedule(policy: AutoScalingPolicy | null, schedule: Schedule): void {
  if (policy?.onHydration && schedule.kind !== 'manual') {
    throw new UsageError(AUTO_SCALING_WITH_SCHEDULE_MESSAGE, {code: 'INVALID_OPTIONS'})
  }
}

export function checkHydrationSize(policy: AutoScalingPolicy | null, size: string): void {
  if (policy?.onHydration && policy.onHydration.hydrationSize === size) {
    throw new UsageError(hydrationSizeEqualsSizeMessage(size), {code: 'INVALID_OPTIONS'})
  }
}

/**
 * `--feature name=value` pins: cluster-scoped parameters whose values parse, stored in their
 * canonical spelling exactly as `flags set --cluster` stores them (one parser for both).
 */
export function parseFeatures(items: readonly string[]): Record<string, string> {
  if (items.length === 0) return {}
  const settings = parseSettings(items, {kind: 'cluster', cluster: ''})
  return Object.fromEntries(settings.map((setting) => [setting.def.name, setting.value]))
}
