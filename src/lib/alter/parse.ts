// The flags of `cluster alter` parsed once into an AlterRequest: only what was given is
// "mentioned", the wait modes map to the seed's WAIT clauses, and every bad combination is one
// exit-2 line before anything is read. Pure, so a simulation can parse an alter event the same way.

import type {ClusterOptionFlagValues} from '../ddl/cluster-flags.js'
import {
  parseAutoScaling,
  parseFeatures,
  parseIntrospectionInterval,
  parseReplicationFactor,
  parseSchedule,
} from '../ddl/cluster-options.js'
import {UsageError} from '../errors.js'
import {parseDuration} from '../input/duration.js'
import {parseAzList} from '../input/names.js'
import type {AlterRequest, AlterTiming} from './route.js'

export interface AlterFlags extends ClusterOptionFlagValues {
  'no-auto-scaling'?: boolean
  'wait-for'?: string
  timeout?: string
  'on-timeout'?: 'rollback' | 'commit'
  wait?: boolean
  background?: boolean
  'no-drive'?: boolean
}

export function parseAlterFlags(flags: AlterFlags): AlterRequest {
  if (flags['no-auto-scaling'] && (flags['hydration-size'] !== undefined || flags.linger !== undefined)) {
    throw new UsageError('--no-auto-scaling cannot be combined with --hydration-size or --linger', {code: 'INVALID_OPTIONS'})
  }
  if (flags['wait-for'] !== undefined && flags.timeout !== undefined) {
    throw new UsageError('--wait-for and --timeout are alternatives: --wait-for commits at the deadline, --timeout rolls back unless --on-timeout commit', {
      code: 'INVALID_OPTIONS',
    })
  }
  if (flags.wait && flags.background) {
    throw new UsageError('--wait and --background are alternatives: --wait blocks until the reconfiguration settles, --background returns at once', {
      code: 'INVALID_OPTIONS',
    })
  }
  if (flags['on-timeout'] !== undefined && flags.timeout === undefined) {
    throw new UsageError('--on-timeout requires --timeout', {code: 'INVALID_OPTIONS'})
  }
  const timing: AlterTiming =
    flags['wait-for'] !== undefined
      ? {kind: 'wait-for', timeoutMs: parseDuration(flags['wait-for'])}
      : flags.timeout !== undefined
        ? {kind: 'until-ready', timeoutMs: parseDuration(flags.timeout), onTimeout: flags['on-timeout'] ?? 'rollback'}
        : {kind: 'default'}
  let schedule: AlterRequest['schedule']
  let hydrationTimeEstimateMs: number | undefined
  if (flags.schedule !== undefined) schedule = parseSchedule(flags.schedule, flags['hydration-time-estimate'])
  else if (flags['hydration-time-estimate'] !== undefined) hydrationTimeEstimateMs = parseDuration(flags['hydration-time-estimate'])
  if (flags.size !== undefined && flags.size.trim() === '') throw new UsageError('--size must not be empty', {code: 'UNKNOWN_SIZE'})
  return {
    size: flags.size,
    replicationFactor: flags['replication-factor'] === undefined ? undefined : parseReplicationFactor(flags['replication-factor']),
    availabilityZones: flags['availability-zones'] === undefined ? undefined : parseAzList(flags['availability-zones']),
    logLogging: flags['introspection-debugging'],
    intervalMs: flags['introspection-interval'] === undefined ? undefined : parseIntrospectionInterval(flags['introspection-interval']),
    schedule,
    hydrationTimeEstimateMs,
    autoScaling: flags['no-auto-scaling'] ? null : flags['hydration-size'] !== undefined ? parseAutoScaling(flags['hydration-size'], flags.linger) : flags.linger !== undefined ? parseAutoScaling(undefined, flags.linger) : undefined,
    features: flags.feature === undefined ? undefined : parseFeatures(flags.feature),
    unmanaged: flags.unmanaged || undefined,
    timing,
    wait: flags.wait || undefined,
  }
}
