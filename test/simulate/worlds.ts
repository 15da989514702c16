// Random catalog snapshots for the simulation properties: managed clusters on every schedule, with
// and without burst policies, in-flight reconfigurations with near or far deadlines, live bursts,
// replicas of right and wrong shapes created at various ages, refresh views on several schedules,
// and parameters small enough that the resource limits bite.

import fc from 'fast-check'
import type {ClusterRow, ReplicaRow} from '../../src/lib/catalog/cluster-rows.js'
import type {CatalogSnapshot, ObjectSnapshotRow} from '../../src/lib/catalog/snapshot.js'

export const START = Date.UTC(2026, 10, 30, 0, 0, 0)
const MIN = 60_000
const SIZES = ['100cc', '200cc', '400cc', '800cc'] as const
const LOGGING = {log_logging: false, interval_ms: 1000}

interface ClusterSpec {
  size: string
  rf: number
  onRefresh: {estimateMs: number} | null
  burst: {hydrationSize: string; lingerMs: number | null} | null
  reconfiguration: {size: string; deadlineOffsetMs: number; onTimeout: 'commit' | 'rollback'} | null
  burstRecord: {stampOffsetMs: number | null} | null
  replicas: {size: string | 'realized'; ageMs: number}[]
  objects: {hydratable: boolean; refresh: {everyMs: number; alignMs: number} | {atOffsetMs: number} | null; frontierOffsetMs: number | null}[]
}

const clusterArb: fc.Arbitrary<ClusterSpec> = fc.record({
  size: fc.constantFrom(...SIZES),
  rf: fc.integer({min: 0, max: 3}),
  onRefresh: fc.option(fc.record({estimateMs: fc.constantFrom(0, 2 * MIN, 5 * MIN)}), {freq: 3}),
  burst: fc.option(fc.record({hydrationSize: fc.constantFrom(...SIZES), lingerMs: fc.constantFrom(null, 0, MIN, 10 * MIN)}), {freq: 2}),
  reconfiguration: fc.option(
    fc.record({size: fc.constantFrom(...SIZES), deadlineOffsetMs: fc.integer({min: -MIN, max: 40 * MIN}), onTimeout: fc.constantFrom('commit' as const, 'rollback' as const)}),
    {freq: 2},
  ),
  burstRecord: fc.option(fc.record({stampOffsetMs: fc.option(fc.integer({min: -20 * MIN, max: 0}))}), {freq: 3}),
  replicas: fc.array(fc.record({size: fc.constantFrom('realized' as const, 'realized' as const, ...SIZES), ageMs: fc.constantFrom(0, 10_000, MIN, 30 * MIN)}), {maxLength: 3}),
  objects: fc.array(
    fc.record({
      hydratable: fc.boolean(),
      refresh: fc.option(
        fc.oneof(
          fc.record({everyMs: fc.constantFrom(10 * MIN, 30 * MIN, 60 * MIN), alignMs: fc.integer({min: 0, max: 60 * MIN})}),
          fc.record({atOffsetMs: fc.integer({min: -10 * MIN, max: 90 * MIN})}),
        ),
      ),
      frontierOffsetMs: fc.option(fc.integer({min: -30 * MIN, max: 60 * MIN})),
    }),
    {maxLength: 2},
  ),
})

export interface WorldParameters {
  tickMs: number
  delayMs: number
  maxReplicas: number
  maxCredits: number
  compactionMs: number
}

export const worldArb = fc.record({
  clusters: fc.array(clusterArb, {minLength: 1, maxLength: 4}),
  parameters: fc.record({
    tickMs: fc.constantFrom(5_000, 7_000, 30_000),
    delayMs: fc.constantFrom(0, 20_000, 3 * MIN, 11 * MIN),
    maxReplicas: fc.constantFrom(3, 5),
    maxCredits: fc.constantFrom(8, 20, 1024),
    compactionMs: fc.constantFrom(0, 5 * MIN, 20 * MIN),
  }),
})

export type WorldSpec = {clusters: ClusterSpec[]; parameters: WorldParameters}

export function snapshotOf(spec: WorldSpec): CatalogSnapshot {
  const clusters: ClusterRow[] = []
  const replicas: ReplicaRow[] = []
  const objects: ObjectSnapshotRow[] = []
  let replicaOrd = 1
  let objectOrd = 1
  spec.clusters.forEach((cluster, i) => {
    const id = `u${i + 1}`
    const scheduled = cluster.onRefresh !== null
    const burstSize = cluster.burst && cluster.burst.hydrationSize !== cluster.size && !scheduled ? cluster.burst : null
    clusters.push({
      id,
      ord: i + 1,
      name: `c${i + 1}`,
      builtin: false,
      managed: true,
      size: cluster.size,
      replication_factor: scheduled ? 0 : cluster.rf,
      availability_zones: [],
      logging: LOGGING,
      schedule: scheduled ? {kind: 'on-refresh', hydration_time_estimate_ms: cluster.onRefresh?.estimateMs ?? 0} : {kind: 'manual'},
      auto_scaling_strategy: burstSize ? {on_hydration: {hydration_size: burstSize.hydrationSize, linger_duration_ms: burstSize.lingerMs}} : null,
      reconfiguration:
        cluster.reconfiguration && !scheduled
          ? {
              target: {size: cluster.reconfiguration.size, replication_factor: cluster.rf, availability_zones: [], logging: LOGGING},
              deadline: START + cluster.reconfiguration.deadlineOffsetMs,
              on_timeout: cluster.reconfiguration.onTimeout,
              status: 'in-progress',
            }
          : null,
      burst:
        cluster.burstRecord && burstSize
          ? {
              burst_size: burstSize.hydrationSize,
              linger_duration_ms: burstSize.lingerMs ?? 0,
              steady_hydrated_at: cluster.burstRecord.stampOffsetMs === null ? null : START + cluster.burstRecord.stampOffsetMs,
            }
          : null,
      features: {},
      owner: 'test',
      version: 1,
      created_at: START - 60 * MIN,
    })
    cluster.replicas.forEach((replica, k) => {
      const ord = replicaOrd++
      replicas.push({
        id: `u${ord}`,
        ord,
        cluster_id: id,
        name: `r${k + 1}`,
        size: replica.size === 'realized' ? cluster.size : replica.size,
        availability_zones: [],
        logging: LOGGING,
        internal: false,
        billed_as: null,
        pending: false,
        created_at: START - replica.ageMs,
      })
    })
    cluster.objects.forEach((object) => {
      const ord = objectOrd++
      const refresh = object.refresh
      objects.push({
        id: `u${ord}`,
        name: `o${ord}`,
        cluster_id: id,
        type: refresh !== null ? 'materialized-view' : object.hydratable ? 'index' : 'webhook-source',
        replica_id: null,
        refresh_schedule:
          refresh === null
            ? null
            : 'everyMs' in refresh
              ? {everies: [{interval_ms: refresh.everyMs, aligned_to: START + refresh.alignMs}], ats: []}
              : {everies: [], ats: [START + refresh.atOffsetMs]},
        created_at: START - 90 * MIN,
        write_frontier: object.frontierOffsetMs === null ? null : START + object.frontierOffsetMs,
        sealed: null,
      })
    })
  })
  const p = spec.parameters
  return {
    clusters,
    replicas,
    objects,
    parameters: new Map([
      ['cluster_controller_tick_interval', `${p.tickMs}ms`],
      ['simulated_hydration_delay', `${p.delayMs}ms`],
      ['max_replicas_per_cluster', String(p.maxReplicas)],
      ['max_credit_consumption_rate', String(p.maxCredits)],
      ['cluster_refresh_mv_compaction_estimate', `${p.compactionMs}ms`],
    ]),
    sizes: SIZES.map((name) => ({name, credits_per_hour: Number.parseInt(name, 10) / 100, disabled: false})),
  }
}
