import {describe, expect, it} from 'vitest'

import {
  REGISTRY,
  formatDefault,
  getParameter,
  listParameters,
  syncedParameters,
  type ParameterDef,
} from '../../src/lib/parameters/registry.js'
import {boolType, canonicalize} from '../../src/lib/parameters/values.js'

const defaults = (defs: readonly ParameterDef[]) =>
  Object.fromEntries(defs.map((d) => [d.name, formatDefault(d)]))

describe('A. registry and synced set', () => {
  it('A5 the synced set is non-empty and excludes enable_rbac_checks and enable_launchdarkly', () => {
    expect(syncedParameters().length).toBeGreaterThan(0)
    const withSwitches: ParameterDef[] = [
      ...REGISTRY,
      {...REGISTRY[0]!, name: 'enable_rbac_checks'},
      {...REGISTRY[0]!, name: 'enable_launchdarkly'},
    ]
    const names = syncedParameters(withSwitches).map((d) => d.name)
    expect(names).not.toContain('enable_rbac_checks')
    expect(names).not.toContain('enable_launchdarkly')
    expect(names).toContain('enable_scoped_system_parameters')
    expect(names).toHaveLength(REGISTRY.length)
  })

  // A6 (`modify` of list-valued system vars) and A10 (LaunchDarkly transport metrics) test
  // Materialize internals that have no equivalent here: no list-typed parameter, no SSE gauges.
})

describe('registry contents', () => {
  it('holds the controller parameters of product.md §9 with their defaults, environment-scoped', () => {
    expect(defaults(listParameters('environment'))).toEqual({
      enable_cluster_controller: 'on',
      cluster_controller_tick_interval: '5s',
      enable_background_alter_cluster: 'off',
      default_cluster_reconfiguration_timeout: '24h',
      enable_hydration_burst: 'on',
      default_hydration_burst_linger: '0s',
      cluster_alter_check_ready_interval: '1s',
      cluster_refresh_mv_compaction_estimate: '20m',
      max_replicas_per_cluster: '5',
      max_credit_consumption_rate: '1024',
      enable_scoped_system_parameters: 'on',
      signal_source: 'catalog',
      simulated_hydration_delay: '30s',
    })
    expect(getParameter('signal_source')?.type.name).toBe('enum(catalog|simulated)')
  })

  it('holds the six cluster-scoped optimizer features, bool, default off', () => {
    const cluster = listParameters('cluster')
    expect(cluster.map((d) => d.name).sort()).toEqual([
      'enable_eager_delta_joins',
      'enable_join_prioritize_arranged',
      'enable_left_joins_lowering',
      'enable_new_outer_join_lowering',
      'enable_projection_pushdown_after_relation_cse',
      'enable_variadic_left_join_lowering',
    ])
    for (const def of cluster) {
      expect(def.type).toBe(boolType)
      expect(formatDefault(def)).toBe('off')
    }
  })

  it('holds the replica-scoped compute flags of flags-spec §3.3 with their defaults', () => {
    const replica = defaults(listParameters('replica'))
    expect(Object.keys(replica)).toHaveLength(47)
    expect(replica).toMatchObject({
      enable_compute_half_join2: 'on',
      column_paged_batcher_budget_fraction: '0.05',
      compute_correction_v2_chain_proportionality: '3',
      compute_correction_v2_chunk_size: '8192',
      compute_temporal_bucketing_summary: '2s',
      linear_join_yielding: 'work:1000000,time:100',
      enable_lgalloc: 'on',
      lgalloc_local_buffer_bytes: '64MiB',
      lgalloc_slow_clear_bytes: '128MiB',
      memory_limiter_burst_factor: '0',
      compute_server_maintenance_interval: '10ms',
      compute_dataflow_max_inflight_bytes: 'none',
      compute_dataflow_max_inflight_bytes_cc: 'none',
      copy_to_s3_multipart_part_size_bytes: '8MiB',
      compute_peek_response_stash_threshold_bytes: '10KiB',
      compute_logical_backpressure_max_retained_capabilities: '43200',
      mz_metrics_lgalloc_map_refresh_interval: '0s',
      mz_metrics_lgalloc_refresh_interval: '30s',
    })
    // Left environment-scoped upstream (§3.3): not in the replica scope.
    expect(replica).not.toHaveProperty('compute_hydration_concurrency')
  })

  it('has unique names, and every default round-trips through its own parser', () => {
    expect(new Set(REGISTRY.map((d) => d.name)).size).toBe(REGISTRY.length)
    for (const def of REGISTRY) {
      const text = formatDefault(def)
      expect(canonicalize(def, text), def.name).toBe(text)
      expect(def.description.length, def.name).toBeGreaterThan(0)
    }
  })

  it('unknown names are undefined; listParameters() is the registry', () => {
    expect(getParameter('nope')).toBeUndefined()
    expect(listParameters()).toBe(REGISTRY)
  })
})
