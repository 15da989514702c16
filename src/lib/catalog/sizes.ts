// The default replica size map seeded by `catalog init`: cc sizes 25cc–6400cc (family cc) and the
// legacy t-shirt sizes (family legacy). `size import` replaces or extends it.

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
