// `signal frontier`: a materialized view's write frontier (`object_frontiers`): a timestamp, or
// sealed (the empty frontier: no refresh will ever come). The latest report wins; frontiers are not
// checked for monotonicity, so operators and tests can stage any scenario.

import {notifyCatalogChange} from '../catalog/audit.js'
import type {Db} from '../catalog/db.js'
import {upsertObjectFrontier} from '../catalog/signals.js'
import {UsageError} from '../errors.js'
import {parseNow} from '../input/time.js'
import {findObject} from '../objects/objects.js'

export type FrontierReport = {readonly kind: 'upper'; readonly upperMs: number} | {readonly kind: 'sealed'}

/** Exactly one of `--upper T` and `--sealed`, parsed (T relative to `nowMs`). */
export function parseFrontierReport(
  options: {upper?: string; sealed?: boolean},
  nowMs: number,
): FrontierReport {
  if (options.upper !== undefined && options.sealed) {
    throw new UsageError('give either --upper or --sealed, not both', {
      code: 'INVALID_FRONTIER',
      hint: 'a sealed frontier has no upper time',
    })
  }
  if (options.upper !== undefined) return {kind: 'upper', upperMs: parseNow(options.upper, nowMs)}
  if (options.sealed) return {kind: 'sealed'}
  throw new UsageError('give the frontier: --upper T or --sealed', {
    code: 'INVALID_FRONTIER',
    hint: 'e.g. --upper 2026-01-02T03:00:00Z or --upper +10m',
  })
}

/** The row written to `mzcluster.object_frontiers`, with names for people. */
export interface FrontierJson {
  object_id: string
  object_name: string
  cluster_name: string
  write_frontier: number | null
  sealed: boolean
  reported_at: number
}

export async function reportFrontier(
  db: Db,
  objectName: string,
  report: FrontierReport,
  nowMs = Date.now(),
): Promise<FrontierJson> {
  return db.transaction(async (tx) => {
    const object = await findObject(tx, objectName)
    if (object.type !== 'materialized-view') {
      throw new UsageError(
        `object ${JSON.stringify(object.name)} has type ${object.type}: write frontiers are reported for materialized views only`,
        {
          code: 'NOT_A_MATERIALIZED_VIEW',
        },
      )
    }
    const writeFrontier = report.kind === 'upper' ? report.upperMs : null
    const sealed = report.kind === 'sealed'
    await upsertObjectFrontier(tx, object.id, writeFrontier, sealed, nowMs)
    await notifyCatalogChange(tx, 'signal')
    return {
      object_id: object.id,
      object_name: object.name,
      cluster_name: object.cluster_name,
      write_frontier: writeFrontier,
      sealed,
      reported_at: nowMs,
    }
  })
}
