// The bodies of `cluster alter` and `cluster wait`: parse flags into an AlterRequest, write, then
// either return (background) or wait with progress on stderr and a clean Ctrl-C that leaves the
// reconfiguration running. Kept out of the command modules so they stay cheap to load.

import type {Db} from '../catalog/db.js'
import {findCluster} from '../catalog/lookup.js'
import {SystemParameters} from '../catalog/parameters.js'
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
import {alterCluster} from './alter.js'
import {alterJson, followHint, progressPrinter, settle, waitCommand} from './present.js'
import type {AlterRequest, AlterTiming} from './route.js'
import type {WaitOutcome} from './wait.js'
import {describeTarget, judge, waitForReconfiguration} from './wait.js'

export interface AlterFlags extends ClusterOptionFlagValues {
  'no-auto-scaling'?: boolean
  'wait-for'?: string
  timeout?: string
  'on-timeout'?: 'rollback' | 'commit'
  wait?: boolean
  background?: boolean
  'no-drive'?: boolean
}

export interface CommandHost {
  readonly json: boolean
  say(line: string): void
  note(line: string): void
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
  }
}

/** Wait with progress on a terminal and a Ctrl-C that stops only the waiting. */
async function waitInteractively(db: Db, clusterId: string, clusterName: string, awaited: Parameters<typeof waitForReconfiguration>[1]['awaited'], options: {drive: boolean; maxWaitMs?: number}): Promise<WaitOutcome> {
  const abort = new AbortController()
  const onSigint = () => abort.abort()
  process.once('SIGINT', onSigint)
  process.once('SIGTERM', onSigint)
  const tty = Boolean(process.stderr.isTTY)
  const progress = progressPrinter(clusterName, tty)
  try {
    return await waitForReconfiguration(db, {
      clusterId,
      awaited,
      drive: options.drive,
      maxWaitMs: options.maxWaitMs,
      signal: abort.signal,
      onProgress: progress.update,
      onWarning: (warning) => process.stderr.write(`Warning: ${warning}\n`),
    })
  } finally {
    progress.done()
    process.removeListener('SIGINT', onSigint)
    process.removeListener('SIGTERM', onSigint)
  }
}

function finish(host: CommandHost, clusterName: string, outcome: WaitOutcome, fields: Record<string, unknown>): Record<string, unknown> {
  if (outcome.kind === 'still-waiting' && outcome.why === 'interrupted') {
    process.stderr.write(`\nStopped waiting for ${clusterName}; ${followHint(clusterName)}.\n`)
    process.exitCode = 130
    return alterJson(outcome.row, {...fields, outcome: 'interrupted'})
  }
  const line = settle(clusterName, outcome)
  host.say(line)
  return alterJson(outcome.row, {...fields, outcome: outcome.kind === 'succeeded' ? outcome.how : outcome.kind})
}

export async function runAlter(db: Db, name: string, flags: AlterFlags, host: CommandHost): Promise<Record<string, unknown>> {
  const request = parseAlterFlags(flags)
  const result = await alterCluster(db, name, request)
  const fields = {cluster_id: result.clusterId, cluster_name: result.clusterName, route: result.route, transition: result.transition}
  if (result.route === 'unchanged') {
    host.note(`${result.clusterName}: nothing to change.`)
    return alterJson(result.row, {...fields, outcome: 'unchanged'})
  }
  if (result.route !== 'reshape' || result.awaited === null) {
    host.say(`${result.clusterName}: altered${result.route === 'to-unmanaged' ? ' (now unmanaged)' : ''}.`)
    return alterJson(result.row, {...fields, outcome: 'applied'})
  }
  const record = result.row.reconfiguration
  if (result.transition === 'cancelled') {
    host.note(`${result.clusterName}: altered back to the realized shape; the in-flight reconfiguration is cancelled.`)
  } else if (record) {
    host.note(
      `${result.clusterName}: reconfiguring to ${describeTarget(result.awaited)}; deadline ${new Date(record.deadline).toISOString()}, on timeout ${record.on_timeout}.`,
    )
  }
  const parameters = await SystemParameters.read(db)
  const background = flags.background || (!flags.wait && parameters.bool('enable_background_alter_cluster'))
  if (background) {
    if (result.transition === 'started') host.note(`Running in the background; follow it with \`${waitCommand(result.clusterName)}\`.`)
    return alterJson(result.row, {...fields, outcome: result.transition === 'cancelled' ? 'cancelled' : 'written'})
  }
  const outcome = await waitInteractively(db, result.clusterId, result.clusterName, result.awaited, {drive: !flags['no-drive']})
  return finish(host, result.clusterName, outcome, fields)
}

export interface WaitFlags {
  timeout?: string
  'no-drive'?: boolean
}

export async function runWait(db: Db, name: string, flags: WaitFlags, host: CommandHost): Promise<Record<string, unknown>> {
  const maxWaitMs = flags.timeout === undefined ? undefined : parseDuration(flags.timeout)
  const row = await findCluster(db, name)
  const fields = {cluster_id: row.id, cluster_name: row.name}
  const record = row.reconfiguration
  if (!row.managed || record === null) {
    host.note(`${row.name}: no reconfiguration to wait for.`)
    return alterJson(row, {...fields, outcome: 'none'})
  }
  if (record.status !== 'in-progress') {
    // Report how the latest reconfiguration ended, with the same exit codes as a wait.
    const outcome = judge(row, record.target) ?? {kind: 'succeeded' as const, how: 'realized' as const, row}
    return finish(host, row.name, outcome, fields)
  }
  host.note(`${row.name}: waiting for the reconfiguration to ${describeTarget(record.target)} (deadline ${new Date(record.deadline).toISOString()}).`)
  const outcome = await waitInteractively(db, row.id, row.name, record.target, {drive: !flags['no-drive'], maxWaitMs})
  return finish(host, row.name, outcome, fields)
}
