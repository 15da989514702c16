// Turning alter, cancel and wait outcomes into what the terminal and scripts see: the JSON document
// (settled record plus realized config), the result and progress lines, the dry-run description,
// the hints that say who finishes a reconfiguration, and exit 3 on a wait that did not reach its
// target. Strings only: the command layer decides where they go.

import type {ClusterRow, TargetJson} from '../catalog/cluster-rows.js'
import {WaitFailedError} from '../errors.js'
import {formatDuration, formatRelative} from '../output/time.js'
import type {AlterResult} from './alter.js'
import {shellWord} from './route.js'
import type {NoReports, WaitOutcome, WaitProgress} from './wait.js'
import {describeTarget} from './wait.js'

export function alterJson(row: ClusterRow | null, fields: Record<string, unknown>): Record<string, unknown> {
  return {
    ...fields,
    reconfiguration: row?.reconfiguration ?? null,
    realized: row
      ? {
          managed: row.managed,
          size: row.size,
          replication_factor: row.replication_factor,
          availability_zones: row.availability_zones,
          logging: row.logging,
          schedule: row.schedule,
          auto_scaling_strategy: row.auto_scaling_strategy,
        }
      : null,
    burst: row?.burst ?? null,
  }
}

/** The fields every alter/cancel document carries; a dry run adds `dry_run` and `peak`. */
export function resultFields(result: AlterResult): Record<string, unknown> {
  return {
    ...(result.dryRun ? {dry_run: true} : {}),
    cluster_id: result.clusterId,
    cluster_name: result.clusterName,
    route: result.route,
    action: result.action,
    transition: result.transition,
    ...(result.dryRun
      ? {
          peak: result.peak && {
            replicas: result.peak.replicas,
            max_replicas_per_cluster: result.peak.maxReplicasPerCluster,
            credits_per_hour: result.peak.creditsPerHour,
            max_credit_consumption_rate: result.peak.maxCreditsPerHour,
          },
        }
      : {}),
  }
}

/** `mzcluster cluster wait NAME` with the name as one shell word (single-quoted unless plainly safe). */
export function waitCommand(clusterName: string): string {
  return `mzcluster cluster wait ${shellWord(clusterName)}`
}

export function cancelCommand(clusterName: string): string {
  return `mzcluster cluster cancel ${shellWord(clusterName)}`
}

/**
 * Who finishes a reconfiguration this command stopped waiting for: a running controller (a live
 * `run` lease), or nobody until something ticks — then the record simply stays in force.
 */
export function followHint(clusterName: string, controller: string | null): string {
  if (controller !== null) {
    return `the reconfiguration continues under the controller (\`mzcluster run\`, ${controller}); follow it with \`${waitCommand(clusterName)}\``
  }
  return `the reconfiguration record stays in force, but no controller is running: it progresses when something ticks — \`mzcluster run\`, \`mzcluster tick\`, or \`${waitCommand(clusterName)}\`, which drives it`
}

/** The same for a cancel whose in-flight replicas are not dropped yet. */
export function retirementHint(clusterName: string, controller: string | null): string {
  if (controller !== null) return `the reconfiguration is cancelled; the controller (\`mzcluster run\`, ${controller}) drops its replicas`
  return `the reconfiguration is cancelled; its replicas are dropped by the next tick — \`mzcluster run\`, \`mzcluster tick --cluster ${shellWord(clusterName)}\``
}

export const NO_CONTROLLER_NOTE =
  'no controller is running (no `mzcluster run` holds the lease) and --no-drive only watches: nothing will progress unless one starts; drop --no-drive to drive it from here'

/** The one-time explanation of a wait that cannot progress because nothing reports hydration. */
export function noReportsNote(stall: NoReports): string {
  const replica = `${stall.clusterName}.${stall.replicaNames[0] ?? 'R'}`
  return [
    `no hydration report has arrived for ${stall.replicaNames.length === 1 ? 'the target replica' : 'the target replicas'} (${stall.replicaNames.join(', ')}) and signal_source is catalog, so nothing will mark them hydrated. Either:`,
    `  report them:       mzcluster signal online ${shellWord(replica)} && mzcluster signal hydration ${shellWord(replica)}`,
    '  simulate signals:  mzcluster flags set signal_source=simulated',
    '  or run an orchestrator that reports replica status and hydration (docs/orchestrator.md)',
  ].join('\n')
}

/** The progress line (without spinner or elapsed time), and the same line as shown. */
export function progressLine(clusterName: string, progress: WaitProgress): string {
  if (progress.awaiting === 'retirement') {
    const remaining = progress.remainingReplicas
    return `Waiting for ${clusterName}: ${remaining.length} in-flight ${remaining.length === 1 ? 'replica' : 'replicas'} to drop (${remaining.join(', ')})`
  }
  return `Waiting for ${clusterName} → ${describeTarget(progress.target)}: ${progress.hydratedTargetReplicas}/${progress.target.replication_factor} target replicas hydrated`
}

export function progressSuffix(progress: WaitProgress): string {
  const elapsed = `${formatDuration(Math.floor(progress.elapsedMs / 1000) * 1000)} elapsed`
  return progress.awaiting === 'hydration' ? `${elapsed}, deadline ${formatRelative(progress.deadlineMs, progress.nowMs)}` : elapsed
}

/** The dry-run description of an alter or cancel (what would be written). */
export function describeDryRun(result: AlterResult & {cancelledTarget?: TargetJson}, inFlight: readonly string[] = []): string {
  const route = {graceful: 'graceful (writes a reconfiguration record)', direct: 'direct (writes the config)', 'no-op': 'no-op (nothing to change)', cancel: 'cancel', 'to-unmanaged': 'direct (converts to unmanaged)'}[result.action]
  const lines = [`cluster ${result.action === 'cancel' ? 'cancel' : 'alter'} ${result.clusterName} (dry run; nothing written)`, `  route      ${route}`]
  const record = result.row.reconfiguration
  if (result.action === 'graceful' && record) {
    lines.push(`  target     ${describeTarget(record.target)}`)
    lines.push(`  deadline   ${new Date(record.deadline).toISOString()}, on timeout ${record.on_timeout}`)
  }
  if (result.action === 'cancel' && record) {
    if (result.cancelledTarget) lines.push(`  cancels    ${describeTarget(result.cancelledTarget)}`)
    lines.push(`  target     ${describeTarget(record.target)} (the realized shape)`)
    lines.push(`  drops      ${inFlight.length === 0 ? 'no replicas' : inFlight.join(', ')} (next tick)`)
  }
  if (result.action === 'direct' && result.row.managed) {
    lines.push(`  config     ${describeTarget({size: result.row.size as string, replication_factor: result.row.replication_factor as number, availability_zones: result.row.availability_zones, logging: result.row.logging})}, schedule ${result.row.schedule.kind}`)
  }
  if (result.peak) {
    const {peak} = result
    lines.push(`  peak       ${peak.replicas} replicas (max_replicas_per_cluster ${peak.maxReplicasPerCluster})`)
    lines.push(`             ${peak.creditsPerHour} credits/h in the environment (max_credit_consumption_rate ${peak.maxCreditsPerHour})`)
  }
  return lines.join('\n')
}

/** The stderr note of an alter that leaves the cluster with no replicas. */
export function turnsOffNote(clusterName: string): string {
  return `${clusterName}: replication factor 0 turns the cluster off: no replicas will run and its objects are not served until the replication factor is raised`
}

/** The result line for a settled wait, or the exit-3 error for one that did not reach its target. */
export function settle(clusterName: string, outcome: WaitOutcome, hint: string): string {
  switch (outcome.kind) {
    case 'succeeded':
      return outcome.how === 'dropped'
        ? `${clusterName}: the cluster was dropped while waiting; nothing left to wait for`
        : `${clusterName}: reconfiguration ${outcome.how === 'realized' ? 'complete' : outcome.how}; now ${describeTarget({
            size: outcome.row?.size as string,
            replication_factor: outcome.row?.replication_factor as number,
            availability_zones: outcome.row?.availability_zones ?? [],
            logging: outcome.row?.logging ?? {log_logging: false, interval_ms: 1000},
          })}`
    case 'failed':
      throw new WaitFailedError(`${clusterName}: ${outcome.message}`, {code: outcome.why.toUpperCase().replaceAll('-', '_')})
    case 'still-waiting':
      throw new WaitFailedError(
        outcome.why === 'wait-timeout' ? `${clusterName}: still in progress after the wait timeout` : `${clusterName}: stopped waiting`,
        {code: 'STILL_IN_PROGRESS', hint},
      )
  }
}
