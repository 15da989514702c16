// Reads for `history`: the audit events that shape a timeline (replica creates and drops,
// reconfiguration and burst transitions, cluster creates, drops and configuration edits) up to an instant, optionally for one cluster (by name or
// id, dropped clusters included), plus the parameters and size credits that price them.

import type {Db} from './db.js'

export interface TimelineAuditRow {
  id: number
  occurred_at: number
  event_type: 'create' | 'drop' | 'alter'
  object_type: string
  details: Record<string, unknown>
}

export interface HistorySource {
  readonly events: TimelineAuditRow[]
  readonly parameters: Map<string, string>
  readonly creditsBySize: Map<string, number>
  /** User cluster names in catalog order (lane order for clusters that still exist). */
  readonly clusterNames: string[]
}

export async function readHistorySource(db: Db, options: {untilMs: number; cluster?: string}): Promise<HistorySource> {
  return db.transaction(async (tx) => {
    const params: unknown[] = [options.untilMs]
    let filter = ''
    if (options.cluster !== undefined) {
      params.push(options.cluster)
      filter = ` AND (details->>'cluster_name' = $2 OR details->>'cluster_id' = $2)`
    }
    const events = await tx.query<TimelineAuditRow>(
      `SELECT id, occurred_at, event_type, object_type, details FROM mzcluster.audit_events
       WHERE occurred_at <= $1 AND (object_type = 'cluster-replica' OR (object_type = 'cluster' AND (details ? 'transition' OR details ? 'changes' OR event_type IN ('create', 'drop'))))${filter}
       ORDER BY occurred_at, id`,
      params,
    )
    const parameters = await tx.query<{name: string; value: string}>('SELECT name, value FROM mzcluster.system_parameters')
    const sizes = await tx.query<{name: string; credits: number}>('SELECT name, credits_per_hour::float8 AS credits FROM mzcluster.replica_sizes')
    const clusters = await tx.query<{name: string}>('SELECT name FROM mzcluster.clusters WHERE NOT builtin ORDER BY ord, id')
    return {
      events: events.map((row) => ({...row, id: Number(row.id), occurred_at: Number(row.occurred_at)})),
      parameters: new Map(parameters.map((row) => [row.name, row.value])),
      creditsBySize: new Map(sizes.map((row) => [row.name, Number(row.credits)])),
      clusterNames: clusters.map((row) => row.name),
    }
  })
}
