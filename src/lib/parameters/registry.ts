// The registry of every system parameter the tool knows: name, scope, type, default, description,
// and the parser/canonical formatter that the value-difference rule and every layer of the
// resolver rely on (flags-spec §3, product.md §7 and §9). Pure data plus lookups.

import {
  boolType,
  byteSizeType,
  durationType,
  enumType,
  floatType,
  integerType,
  optionalType,
  parseDurationMs,
  stringType,
  type ParameterType,
  type Result,
} from './values.js'

export type ParameterScope = 'environment' | 'cluster' | 'replica'

export const PARAMETER_SCOPES: readonly ParameterScope[] = ['environment', 'cluster', 'replica']

export interface ParameterDef<V = unknown> {
  readonly name: string
  readonly scope: ParameterScope
  readonly type: ParameterType<V>
  readonly default: V
  readonly description: string
  parse(raw: string): Result<V>
  format(value: V): string
}

function define<V>(
  name: string,
  scope: ParameterScope,
  type: ParameterType<V>,
  defaultValue: V,
  description: string,
): ParameterDef<V> {
  return {
    name,
    scope,
    type,
    default: defaultValue,
    description,
    parse: (raw) => type.parse(raw),
    format: (value) => type.format(value),
  }
}

const count = integerType({min: 0})
const bool = (name: string, scope: ParameterScope, value: boolean, description: string) =>
  define(name, scope, boolType, value, description)
const duration = (name: string, scope: ParameterScope, text: string, description: string) =>
  define(name, scope, durationType, parseDurationMs(text), description)
const MiB = 1024 * 1024

/** The controller's parameters (product.md §9); all environment-wide. */
const CONTROLLER: readonly ParameterDef[] = [
  bool(
    'enable_cluster_controller',
    'environment',
    true,
    'Run the cluster controller; off makes ticks do nothing (break-glass).',
  ),
  duration(
    'cluster_controller_tick_interval',
    'environment',
    '5s',
    'Interval between controller ticks of `mzcluster run`.',
  ),
  bool(
    'enable_background_alter_cluster',
    'environment',
    false,
    'Alters without --wait/--background return at once.',
  ),
  duration(
    'default_cluster_reconfiguration_timeout',
    'environment',
    '24h',
    'Deadline of a graceful reconfiguration without an explicit timeout.',
  ),
  bool(
    'enable_hydration_burst',
    'environment',
    true,
    'Allow the hydration-burst strategy (break-glass for bursts only).',
  ),
  duration(
    'default_hydration_burst_linger',
    'environment',
    '0s',
    'How long a burst replica lingers after the cluster is hydrated.',
  ),
  duration(
    'cluster_alter_check_ready_interval',
    'environment',
    '1s',
    'Poll interval while waiting for an alter to settle.',
  ),
  duration(
    'cluster_refresh_mv_compaction_estimate',
    'environment',
    '1200s',
    'On-refresh compaction window after each refresh.',
  ),
  define('max_replicas_per_cluster', 'environment', count, 5, 'Most replicas a cluster may have.'),
  define(
    'max_credit_consumption_rate',
    'environment',
    floatType,
    1024,
    'Most credits per hour the environment may consume.',
  ),
  bool(
    'enable_scoped_system_parameters',
    'environment',
    true,
    'Evaluate and apply per-cluster and per-replica overrides (off clears them).',
  ),
  define(
    'signal_source',
    'environment',
    enumType(['catalog', 'simulated']),
    'catalog',
    'Where live signals come from: catalog reports or simulated hydration.',
  ),
  duration(
    'simulated_hydration_delay',
    'environment',
    '30s',
    'With simulated signals, time after creation until a replica is hydrated.',
  ),
]

const OPTIMIZER_DESCRIPTION =
  'Optimizer feature; cluster-coherent (same value on every replica of a cluster).'

/** Cluster-coherent optimizer features (flags-spec §3.2); all bool, default off. */
const OPTIMIZER: readonly ParameterDef[] = [
  'enable_new_outer_join_lowering',
  'enable_eager_delta_joins',
  'enable_left_joins_lowering',
  'enable_variadic_left_join_lowering',
  'enable_join_prioritize_arranged',
  'enable_projection_pushdown_after_relation_cse',
].map((name) => bool(name, 'cluster', false, OPTIMIZER_DESCRIPTION))

/** Replica-local compute parameters (flags-spec §3.3), plus the two mz-metrics lgalloc intervals. */
const REPLICA: readonly ParameterDef[] = [
  bool('enable_compute_half_join2', 'replica', true, 'Use the half_join2 operator.'),
  bool('enable_column_paged_batcher', 'replica', false, 'Use the column-paged merge batcher.'),
  bool('enable_column_paged_batcher_spill', 'replica', false, 'Let the column-paged batcher spill to disk.'),
  define(
    'column_paged_batcher_budget_fraction',
    'replica',
    floatType,
    0.05,
    'Fraction of memory the column-paged batcher may hold.',
  ),
  bool('column_paged_batcher_lz4', 'replica', false, 'Compress column-paged batcher pages with LZ4.'),
  bool(
    'column_paged_batcher_swap_pageout',
    'replica',
    false,
    'Page out column-paged batcher pages through swap.',
  ),
  bool('enable_mz_join_core', 'replica', true, 'Use the mz_join_core join implementation.'),
  bool('enable_compute_sync_mv_sink', 'replica', true, 'Use the synchronized materialized-view sink.'),
  bool('enable_compute_correction_v2', 'replica', true, 'Use the v2 correction buffer in MV sinks.'),
  define(
    'compute_correction_v2_chain_proportionality',
    'replica',
    floatType,
    3,
    'Chain proportionality of the v2 correction buffer.',
  ),
  define(
    'compute_correction_v2_chunk_size',
    'replica',
    count,
    8192,
    'Chunk size of the v2 correction buffer.',
  ),
  bool('enable_compute_temporal_bucketing', 'replica', false, 'Bucket temporal updates.'),
  duration('compute_temporal_bucketing_summary', 'replica', '2s', 'Granularity of temporal bucketing.'),
  define(
    'linear_join_yielding',
    'replica',
    stringType,
    'work:1000000,time:100',
    'When linear joins yield (work and/or time).',
  ),
  bool('enable_lgalloc', 'replica', true, 'Allocate large regions with lgalloc.'),
  bool('enable_lgalloc_eager_reclamation', 'replica', true, 'Return lgalloc memory eagerly.'),
  duration('lgalloc_background_interval', 'replica', '1s', 'Interval of the lgalloc background worker.'),
  define('lgalloc_file_growth_dampener', 'replica', count, 2, 'Dampens lgalloc file growth.'),
  define('lgalloc_local_buffer_bytes', 'replica', byteSizeType, 64 * MiB, 'Per-thread lgalloc buffer.'),
  define(
    'lgalloc_slow_clear_bytes',
    'replica',
    byteSizeType,
    128 * MiB,
    'Bytes lgalloc clears per slow-clear step.',
  ),
  duration('memory_limiter_interval', 'replica', '10s', 'Interval of the memory limiter.'),
  define('memory_limiter_usage_bias', 'replica', floatType, 1, 'Bias applied to measured memory usage.'),
  define('memory_limiter_burst_factor', 'replica', floatType, 0, 'Burst allowance of the memory limiter.'),
  bool('enable_columnation_lgalloc', 'replica', true, 'Back columnation regions with lgalloc.'),
  duration(
    'compute_server_maintenance_interval',
    'replica',
    '10ms',
    'Interval of compute server maintenance.',
  ),
  define(
    'compute_dataflow_max_inflight_bytes',
    'replica',
    optionalType(byteSizeType),
    null,
    'Most bytes in flight per dataflow (none: unbounded).',
  ),
  define(
    'compute_dataflow_max_inflight_bytes_cc',
    'replica',
    optionalType(byteSizeType),
    null,
    'Same, for cc sizes (none: unbounded).',
  ),
  define('consolidating_vec_growth_dampener', 'replica', count, 1, 'Dampens consolidating-vector growth.'),
  define(
    'copy_to_s3_parquet_row_group_file_ratio',
    'replica',
    count,
    20,
    'Parquet row-group to file size ratio for COPY TO S3.',
  ),
  define(
    'copy_to_s3_arrow_builder_buffer_ratio',
    'replica',
    count,
    150,
    'Arrow builder buffer ratio for COPY TO S3.',
  ),
  define(
    'copy_to_s3_multipart_part_size_bytes',
    'replica',
    byteSizeType,
    8 * MiB,
    'Multipart upload part size for COPY TO S3.',
  ),
  bool('compute_apply_column_demands', 'replica', true, 'Apply column demands when rendering.'),
  define('compute_flat_map_fuel', 'replica', count, 1_000_000, 'Fuel of flat_map before yielding.'),
  bool(
    'enable_compute_render_fueled_as_specific_collection',
    'replica',
    true,
    'Render fueled as_specific_collection.',
  ),
  bool('enable_compute_logical_backpressure', 'replica', false, 'Apply logical backpressure to dataflows.'),
  define(
    'compute_logical_backpressure_max_retained_capabilities',
    'replica',
    count,
    43_200,
    'Capabilities retained under logical backpressure.',
  ),
  duration(
    'compute_logical_backpressure_inflight_slack',
    'replica',
    '1s',
    'In-flight slack of logical backpressure.',
  ),
  bool('enable_compute_peek_response_stash', 'replica', true, 'Stash large peek responses in persist.'),
  define(
    'compute_peek_response_stash_threshold_bytes',
    'replica',
    byteSizeType,
    10 * 1024,
    'Peek responses above this size are stashed.',
  ),
  define('compute_peek_response_stash_batch_max_runs', 'replica', count, 2, 'Most runs per stash batch.'),
  define('compute_peek_stash_num_batches', 'replica', count, 100, 'Number of peek stash batches.'),
  define('compute_peek_stash_batch_size', 'replica', count, 100_000, 'Rows per peek stash batch.'),
  duration(
    'compute_prometheus_introspection_scrape_interval',
    'replica',
    '10s',
    'Interval of Prometheus introspection scrapes.',
  ),
  bool('compute_subscribe_snapshot_optimization', 'replica', true, 'Optimize subscribe snapshots.'),
  bool(
    'compute_mv_sink_advance_persist_frontiers',
    'replica',
    true,
    'Let MV sinks advance persist frontiers.',
  ),
  duration(
    'mz_metrics_lgalloc_map_refresh_interval',
    'replica',
    '0s',
    'Refresh interval of lgalloc map metrics (0s: off).',
  ),
  duration('mz_metrics_lgalloc_refresh_interval', 'replica', '30s', 'Refresh interval of lgalloc metrics.'),
]

export const REGISTRY: readonly ParameterDef[] = [...CONTROLLER, ...OPTIMIZER, ...REPLICA]

const BY_NAME: ReadonlyMap<string, ParameterDef> = new Map(REGISTRY.map((def) => [def.name, def]))

/**
 * Never synchronized from LaunchDarkly (flags-spec §3.4): the RBAC switch and the LaunchDarkly
 * kill switch itself. Neither is in this registry today; the filter keeps that true if one is added.
 */
export const NOT_SYNCED: ReadonlySet<string> = new Set(['enable_rbac_checks', 'enable_launchdarkly'])

export function getParameter(name: string): ParameterDef | undefined {
  return BY_NAME.get(name)
}

export function listParameters(scope?: ParameterScope): readonly ParameterDef[] {
  return scope === undefined ? REGISTRY : REGISTRY.filter((def) => def.scope === scope)
}

/**
 * The parameters synced from LaunchDarkly: every registered parameter except {@link NOT_SYNCED}
 * (flags-spec §4). `enable_scoped_system_parameters` is synced like every dyncfg mirror — that is
 * what lets the feature gate flip from LaunchDarkly without a deploy (§3.4).
 */
export function syncedParameters(registry: readonly ParameterDef[] = REGISTRY): readonly ParameterDef[] {
  return registry.filter((def) => !NOT_SYNCED.has(def.name))
}

/** The default value in its canonical spelling. */
export function formatDefault(def: ParameterDef): string {
  return def.format(def.default)
}
