// The objects bound to clusters (indexes, materialized views, sources, sinks, webhook sources) as
// stored in `mzcluster.objects` and printed by `object list --json`.

export const OBJECT_TYPES = ['index', 'materialized-view', 'source', 'sink', 'webhook-source'] as const
export type ObjectType = (typeof OBJECT_TYPES)[number]

/** Types a replica must hydrate to count as hydrated (the rule lives in catalog/signals.ts). */
export {HYDRATABLE_OBJECT_TYPES as HYDRATABLE_TYPES} from '../catalog/signals.js'

/** `objects.refresh_schedule`: `REFRESH EVERY … ALIGNED TO …` entries and `REFRESH AT` times (ms). */
export interface RefreshScheduleJson {
  everies: {interval_ms: number; aligned_to: number}[]
  ats: number[]
}

/** An `object list --json` element. */
export interface ObjectJson {
  id: string
  name: string
  cluster_id: string
  cluster_name: string
  type: ObjectType
  /** The replica the object is pinned to (`IN CLUSTER … REPLICA`), or null. */
  replica_id: string | null
  /** Its name; null when not pinned (or the pinned replica no longer exists). */
  replica_name: string | null
  /** Materialized views only; null = refresh on commit. */
  refresh_schedule: RefreshScheduleJson | null
  /** The last reported write frontier (ms); null when sealed or never reported. */
  write_frontier: number | null
  /** The last report sealed the frontier (no more refreshes). */
  sealed: boolean
  created_at: number
}
