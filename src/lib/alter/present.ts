// Turning alter and wait outcomes into what the terminal and scripts see: the JSON document
// (settled record plus realized config), the result line, progress on stderr, and exit 3 on a
// wait that did not reach its target.

import type {ClusterRow} from '../catalog/cluster-rows.js'
import {WaitFailedError} from '../errors.js'
import {formatRelative} from '../output/time.js'
import type {WaitOutcome, WaitProgress} from './wait.js'
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

/** A one-line progress renderer on stderr (redrawn in place on a terminal). */
export function progressPrinter(clusterName: string, tty: boolean): {update: (p: WaitProgress) => void; done: () => void} {
  let last = ''
  return {
    update: (p) => {
      const line = `Waiting for ${clusterName} → ${describeTarget(p.target)}: ${p.hydratedTargetReplicas}/${p.target.replication_factor} target replicas hydrated, deadline ${formatRelative(p.deadlineMs, p.nowMs)}`
      if (tty) process.stderr.write(`\r\x1b[2K${line}`)
      else if (line.replace(/deadline .*/, '') !== last.replace(/deadline .*/, '')) process.stderr.write(`${line}\n`)
      last = line
    },
    done: () => {
      if (tty && last) process.stderr.write('\r\x1b[2K')
    },
  }
}

/** `mzcluster cluster wait NAME` with the name as one shell word (single-quoted unless plainly safe). */
export function waitCommand(clusterName: string): string {
  const word = /^[A-Za-z0-9_@%+=:,./-]+$/.test(clusterName) ? clusterName : `'${clusterName.replaceAll("'", `'\\''`)}'`
  return `mzcluster cluster wait ${word}`
}

export function followHint(clusterName: string): string {
  return `the reconfiguration continues under the controller; follow it with \`${waitCommand(clusterName)}\``
}

/** The result line for a settled wait, or the exit-3 error for one that did not reach its target. */
export function settle(clusterName: string, outcome: WaitOutcome): string {
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
        {code: 'STILL_IN_PROGRESS', hint: followHint(clusterName)},
      )
  }
}
