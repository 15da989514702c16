// One controller tick (or a dry-run plan) against the catalog: the operation behind `tick`, `plan`,
// `run` and the alter wait's driving. A plan runs the very same kernel over an overlay context, so
// it previews phase 2 with phase 1's writes applied, and writes nothing at all.

import {clusterKindsByName} from '../catalog/cluster-state.js'
import type {CatalogContextOptions} from '../catalog/controller-context.js'
import {CatalogControllerCtx} from '../catalog/controller-context.js'
import type {Db} from '../catalog/db.js'
import {unknownCluster} from '../catalog/lookup.js'
import {writeFrontierAdvances} from '../catalog/signals.js'
import type {TickReport} from '../controller/report.js'
import type {TickPhases} from '../controller/tick.js'
import {disabledTickReport, runTick} from '../controller/tick.js'
import {OverlayCtx} from '../controller/overlay-context.js'
import {UsageError} from '../errors.js'
import type {CreateTimeFlags, OpenedOnDemand} from '../flags/create-time.js'
import {configuredFlags} from '../flags/configured.js'

export interface TickRequest extends CatalogContextOptions {
  readonly phases?: TickPhases
  readonly dryRun?: boolean
  /**
   * Create-time flag resolution for the replicas this tick creates (flags-spec §10); null for none.
   * Absent: the source the environment configures (`MZCLUSTER_FLAGS_FILE`, `MZCLUSTER_LD_SDK_KEY`), if any.
   */
  readonly createTimeFlags?: CreateTimeFlags | null
}

export interface TickResult {
  readonly report: TickReport
  /** Things an operator should know (apply errors, conflicting strategy writes). */
  readonly warnings: string[]
}

async function checkClusterNames(db: Db, names: readonly string[] | undefined): Promise<void> {
  if (!names || names.length === 0) return
  const found = await clusterKindsByName(db, names)
  for (const name of names) {
    const row = found.get(name)
    if (!row) throw await unknownCluster(db, name)
    if (!row.managed || row.builtin) {
      throw new UsageError(`cluster ${JSON.stringify(name)} is not a user managed cluster; the controller does not own its replicas`, {
        code: 'NOT_CONTROLLED',
      })
    }
  }
}

export async function tick(db: Db, request: TickRequest = {}): Promise<TickResult> {
  await checkClusterNames(db, request.clusterNames)
  let flags = request.createTimeFlags ?? null
  let opened: OpenedOnDemand | null = null
  if (request.createTimeFlags === undefined && !request.dryRun) flags = opened = await configuredFlags()
  try {
    const replicaCreateHook = flags && !request.dryRun ? (await import('../flags/create-time.js')).replicaCreateHook(db, flags) : undefined
    return await tickWith(db, {...request, replicaCreateHook})
  } finally {
    opened?.close()
  }
}

async function tickWith(db: Db, request: TickRequest): Promise<TickResult> {
  const ctx = new CatalogControllerCtx(db, request)
  const warnings: string[] = []
  if (!(await ctx.controllerEnabled())) return {report: disabledTickReport(ctx.now()), warnings}
  const onConflict = (conflict: {clusterId: string | null; field: string}) =>
    warnings.push(`conflicting state writes for ${conflict.field} on cluster ${conflict.clusterId ?? '?'}: the field was left unchanged`)
  const report = await runTick(request.dryRun ? new OverlayCtx(ctx) : ctx, {phases: request.phases, onConflict})
  if (!request.dryRun) await writeFrontierAdvances(db, [...ctx.frontierAdvances.values()], ctx.now())
  for (const error of ctx.applyErrors) warnings.push(`an apply failed and was treated as rejected: ${error}`)
  warnings.push(...ctx.createWarnings)
  return {report, warnings}
}
