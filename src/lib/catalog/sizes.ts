// The replica size map: the default seeded by `catalog init` (cc sizes 25cc–6400cc in family cc
// and the legacy t-shirt sizes in family legacy), and the statements that read it, write it
// (`size import` replaces or extends it) and find what still uses a size.

import type {Queryable} from './db.js'

export interface ReplicaSize {
  readonly name: string
  readonly family: string
  readonly workers: number
  readonly processes: number
  readonly memoryBytes: number
  /** Decimal string, as numeric columns are read back. */
  readonly creditsPerHour: string
  readonly disabled: boolean
}

const GiB = 1024 ** 3

const cc = (cents: number, workers: number, processes: number): ReplicaSize => ({
  name: `${cents}cc`,
  family: 'cc',
  workers,
  processes,
  memoryBytes: Math.round((cents / 100) * 8 * GiB),
  creditsPerHour: String(cents / 100),
  disabled: false,
})

const legacy = (name: string, credits: number, workers: number, processes: number): ReplicaSize => ({
  name,
  family: 'legacy',
  workers,
  processes,
  memoryBytes: Math.round(credits * 8 * GiB),
  creditsPerHour: String(credits),
  disabled: false,
})

export const DEFAULT_SIZES: readonly ReplicaSize[] = [
  cc(25, 1, 1),
  cc(50, 1, 1),
  cc(100, 2, 1),
  cc(200, 4, 1),
  cc(300, 6, 1),
  cc(400, 8, 1),
  cc(600, 12, 1),
  cc(800, 16, 1),
  cc(1200, 24, 1),
  cc(1600, 32, 2),
  cc(3200, 64, 4),
  cc(6400, 128, 8),
  legacy('3xsmall', 0.25, 1, 1),
  legacy('2xsmall', 0.5, 1, 1),
  legacy('xsmall', 1, 2, 1),
  legacy('small', 2, 4, 1),
  legacy('medium', 4, 8, 1),
  legacy('large', 8, 16, 1),
  legacy('xlarge', 16, 32, 2),
  legacy('2xlarge', 32, 64, 4),
  legacy('3xlarge', 64, 128, 8),
]

export const BUILTIN_CLUSTERS = [
  {id: 's1', name: 'mz_system', size: '100cc'},
  {id: 's2', name: 'mz_catalog_server', size: '100cc'},
  {id: 's3', name: 'mz_probe', size: '25cc'},
] as const

/** A `mzcluster.replica_sizes` row as `size list --json` prints it, with its display position. */
export interface StoredSize {
  name: string
  family: string
  workers: number
  processes: number
  memory_bytes: number
  credits_per_hour: number
  disabled: boolean
  sort_order: number
}

/** The size map in display order. */
export async function selectSizes(q: Queryable): Promise<StoredSize[]> {
  const rows = await q.query(
    `SELECT name, family, workers, processes, memory_bytes, credits_per_hour::text AS credits_per_hour, disabled, sort_order
       FROM mzcluster.replica_sizes ORDER BY sort_order, name`,
  )
  return rows.map((row) => ({
    name: String(row.name),
    family: String(row.family),
    workers: Number(row.workers),
    processes: Number(row.processes),
    memory_bytes: Number(row.memory_bytes),
    credits_per_hour: Number(row.credits_per_hour),
    disabled: Boolean(row.disabled),
    sort_order: Number(row.sort_order),
  }))
}

export async function deleteSizes(tx: Queryable, names: readonly string[]): Promise<void> {
  await tx.query('DELETE FROM mzcluster.replica_sizes WHERE name = ANY($1)', [names])
}

/** Insert or update sizes (with their display position) in one statement. */
export async function upsertSizes(tx: Queryable, sizes: readonly StoredSize[]): Promise<void> {
  if (sizes.length === 0) return
  const params: unknown[] = []
  const values = sizes.map((size) => {
    const base = params.length
    params.push(
      size.name,
      size.family,
      size.workers,
      size.processes,
      size.memory_bytes,
      String(size.credits_per_hour),
      size.disabled,
      size.sort_order,
    )
    return `(${Array.from({length: 8}, (_, i) => `$${base + i + 1}`).join(', ')})`
  })
  await tx.query(
    `INSERT INTO mzcluster.replica_sizes (name, family, workers, processes, memory_bytes, credits_per_hour, disabled, sort_order)
     VALUES ${values.join(', ')}
     ON CONFLICT (name) DO UPDATE SET family = EXCLUDED.family, workers = EXCLUDED.workers, processes = EXCLUDED.processes,
       memory_bytes = EXCLUDED.memory_bytes, credits_per_hour = EXCLUDED.credits_per_hour, disabled = EXCLUDED.disabled,
       sort_order = EXCLUDED.sort_order`,
    params,
  )
}

/** Every use of a size that must survive a removal: cluster size, hydration size, in-flight or burst size, replica size. */
const SIZE_USES = `
  SELECT size, 'cluster ' || to_jsonb(name)::text || ' (size)' AS user_of FROM mzcluster.clusters WHERE size = ANY($1)
  UNION ALL
  SELECT auto_scaling_strategy->'on_hydration'->>'hydration_size', 'cluster ' || to_jsonb(name)::text || ' (hydration size)'
    FROM mzcluster.clusters WHERE auto_scaling_strategy->'on_hydration'->>'hydration_size' = ANY($1)
  UNION ALL
  SELECT reconfiguration->'target'->>'size', 'cluster ' || to_jsonb(name)::text || ' (reconfiguration target)'
    FROM mzcluster.clusters WHERE reconfiguration->>'status' = 'in-progress' AND reconfiguration->'target'->>'size' = ANY($1)
  UNION ALL
  SELECT burst->>'burst_size', 'cluster ' || to_jsonb(name)::text || ' (hydration burst)'
    FROM mzcluster.clusters WHERE burst->>'burst_size' = ANY($1)
  UNION ALL
  SELECT r.size, 'replica ' || to_jsonb(c.name || '.' || r.name)::text
    FROM mzcluster.replicas r JOIN mzcluster.clusters c ON c.id = r.cluster_id WHERE r.size = ANY($1)`

/** Who uses any of `names` (`user_of` reads like `cluster "prod" (hydration size)`). */
export async function selectSizeUses(
  q: Queryable,
  names: readonly string[],
): Promise<{size: string; user_of: string}[]> {
  return q.query<{size: string; user_of: string}>(SIZE_USES, [names])
}
