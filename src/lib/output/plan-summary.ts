// Counting a TickReport: the summary figures `plan`, `tick` and `run` print and the JSON carries,
// whether a tick had anything to do (`--detailed-exitcode`), and the closing summary line.

import type {TickReport} from '../controller/report.js'

/** `plan`: what a tick would do (batches marked applied were planned); `applied`: what a tick did. */
export type PlanMode = 'plan' | 'applied'

export const NO_CHANGES = 'No changes. Every managed cluster matches what its strategies desire.'
export const CONTROLLER_OFF =
  'The cluster controller is off (enable_cluster_controller = off): nothing was done.'


export interface PlanSummary {
  /** Creates, drops and state writes of batches that were applied (or, for a plan, planned). */
  readonly creates: number
  readonly drops: number
  readonly stateWrites: number
  readonly clustersSkipped: number
  /** Batches whose apply was rejected by compare-and-append. */
  readonly rejected: number
  /** Batches refused by the resource limits. */
  readonly resourceExhausted: number
}

export function summarizePlan(report: TickReport): PlanSummary {
  let creates = 0
  let drops = 0
  let stateWrites = 0
  let clustersSkipped = 0
  let rejected = 0
  let resourceExhausted = 0
  for (const cluster of report.clusters) {
    if (cluster.skipped) clustersSkipped += 1
    for (const batch of cluster.batches) {
      if (batch.outcome === 'rejected') rejected += 1
      else if (batch.outcome === 'resource-exhausted') resourceExhausted += 1
      else {
        creates += batch.creates.length
        drops += batch.drops.length
        if (batch.stateWrite !== null) stateWrites += 1
      }
    }
  }
  return {creates, drops, stateWrites, clustersSkipped, rejected, resourceExhausted}
}

/**
 * For `--detailed-exitcode`: true when the tick had something to do (any batch, whatever its
 * outcome, or a skipped cluster); false when every cluster was steady or the controller is off.
 */
export function hasChanges(report: TickReport): boolean {
  return (
    report.controllerEnabled &&
    report.clusters.some((cluster) => cluster.skipped || cluster.batches.length > 0)
  )
}

const plural = (count: number, one: string, many: string): string => `${count} ${count === 1 ? one : many}`

/** The closing line: `Plan: 1 to create, …` / `Applied: 2 created, …` / the no-change sentences. */
export function summaryLine(report: TickReport, mode: PlanMode): string {
  if (!report.controllerEnabled) return CONTROLLER_OFF
  if (!hasChanges(report)) return NO_CHANGES
  const s = summarizePlan(report)
  const parts =
    mode === 'plan'
      ? [`${s.creates} to create`, `${s.drops} to drop`]
      : [`${s.creates} created`, `${s.drops} dropped`]
  parts.push(
    plural(s.stateWrites, 'state write', 'state writes'),
    `${plural(s.clustersSkipped, 'cluster', 'clusters')} skipped`,
  )
  if (s.rejected > 0) parts.push(`${s.rejected} rejected`)
  if (s.resourceExhausted > 0) parts.push(`${s.resourceExhausted} resource-exhausted`)
  return `${mode === 'plan' ? 'Plan' : 'Applied'}: ${parts.join(', ')}.`
}
