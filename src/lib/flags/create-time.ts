// Create-time resolution (flags-spec §10): a cluster or replica that is about to be created gets its
// scoped overrides evaluated with its own context — exactly as `flags sync` evaluates it — before the
// transaction that creates it opens, and the rows are written in that transaction. The periodic sync
// stays the authoritative reconciler; this only spares a new object a window with no overrides.
// A source that cannot answer in time means "no overrides yet" and a warning, never a failed create.

import type {PreparedReplicaCreates, ReplicaCreateHook, ReplicaToCreate} from '../catalog/controller-context.js'
import type {Db} from '../catalog/db.js'
import {
  readClusterNames,
  readEnvironmentId,
  readSizeFamilies,
  type ClusterCreateHook,
  type CreatedOverride,
} from '../catalog/flags.js'
import {allocateReplicaIds} from '../catalog/ids.js'
import {readSystemParameterValues} from '../catalog/parameters.js'
import {parseEnvironmentId, type BuildInfo, type ClusterRef, type ReplicaRef} from './contexts.js'
import {REGISTRY} from '../parameters/registry.js'
import {buildInfo} from './build-info.js'
import {evaluateScoped, parseKeyMap} from './evaluate.js'
import {openFlagSource, type FlagSource, type FlagSourceOptions} from './flag-source.js'
import {chooseFlagSource, KEY_MAP_ENV, type FlagSourceFlags} from './source-options.js'

export type {CreatedOverride} from '../catalog/flags.js'

/** How long evaluating the new objects may take before the create goes ahead without overrides. */
export const CREATE_TIME_BUDGET_MS = 2_000
/** How long a one-shot command waits for its flag source to open (as `flags sync` does). */
export const OPEN_TIMEOUT_MS = 10_000

/** What to evaluate the objects about to be created with. */
export interface CreateTimeInput {
  readonly source: FlagSource
  readonly build: BuildInfo
  readonly keyMap?: ReadonlyMap<string, string>
  /** `mzcluster.meta` environment id (raw). */
  readonly environmentId: string
  /** Stored environment-wide values (`system_parameters`), raw. */
  readonly environment: ReadonlyMap<string, string>
  readonly clusters: readonly ClusterRef[]
  /** Managed replicas only (a replica without a size is never evaluated). */
  readonly replicas: readonly ReplicaRef[]
}

/**
 * The override rows of objects about to be created, evaluated exactly as `flags sync` would (the
 * environment pass first, its values the base of the value-difference rule; nothing while
 * `enable_scoped_system_parameters` is off). Pure evaluation: nothing is read or written.
 */
export async function resolveCreatedObjects(input: CreateTimeInput): Promise<CreatedOverride[]> {
  const evaluation = await evaluateScoped({
    source: input.source,
    environmentId: parseEnvironmentId(input.environmentId),
    build: input.build,
    environment: input.environment,
    clusters: input.clusters,
    replicas: input.replicas,
    keyMap: input.keyMap,
  })
  if (!evaluation.scopedEnabled) return []
  const rows: CreatedOverride[] = []
  for (const scope of ['cluster', 'replica'] as const) {
    for (const [objectId, values] of evaluation.desired[scope]) {
      for (const [name, value] of values) rows.push({scope, objectId, name, value})
    }
  }
  return rows
}

/** Where create-time resolution gets its flags: an open source, or one opened on first use. */
export interface CreateTimeFlags {
  readonly build: BuildInfo
  readonly keyMap?: ReadonlyMap<string, string>
  /** The source to evaluate with, or null with the reason it cannot answer now. */
  source(): Promise<FlagSource | {readonly unavailable: string}>
}

/** The outcome of resolving objects about to be created: rows, or none and why. */
export interface CreateTimeResolution {
  readonly overrides: readonly CreatedOverride[]
  /** Set when the source could not answer in time: the objects are created with no overrides yet. */
  readonly warning: string | null
}

const noOverrides = (why: string): CreateTimeResolution => ({
  overrides: [],
  warning: `no scoped flag overrides for the new objects yet (${why}); the next flags sync writes them`,
})

/**
 * Resolve objects about to be created, reading what evaluation needs from the catalog (outside any
 * transaction) and bounded by {@link CREATE_TIME_BUDGET_MS}. Never throws for the source's sake.
 */
export async function resolveForCreate(
  db: Db,
  flags: CreateTimeFlags,
  objects: {readonly clusters: readonly ClusterRef[]; readonly replicas: readonly ReplicaRef[]},
): Promise<CreateTimeResolution> {
  if (objects.clusters.length === 0 && objects.replicas.length === 0) return {overrides: [], warning: null}
  const [environmentId, environment] = await Promise.all([readEnvironmentId(db), readSystemParameterValues(db)])
  if (environmentId === null) return noOverrides('the catalog has no environment id')
  // Opening a source has its own timeout (a command opens it on first use); evaluation has the budget.
  const source = await flags.source().catch((error: unknown) => ({unavailable: (error as Error).message}))
  if ('unavailable' in source) return noOverrides(source.unavailable)
  let timer: NodeJS.Timeout | undefined
  const budget = new Promise<CreateTimeResolution>((resolve) => {
    timer = setTimeout(
      () => resolve(noOverrides(`the flag source did not answer within ${CREATE_TIME_BUDGET_MS} ms`)),
      CREATE_TIME_BUDGET_MS,
    )
  })
  const evaluate = async (): Promise<CreateTimeResolution> => {
    const overrides = await resolveCreatedObjects({
      source,
      build: flags.build,
      keyMap: flags.keyMap,
      environmentId,
      environment,
      ...objects,
    })
    return {overrides, warning: null}
  }
  try {
    return await Promise.race([evaluate(), budget])
  } catch (error) {
    return noOverrides((error as Error).message)
  } finally {
    clearTimeout(timer)
  }
}

/**
 * For replicas the controller is about to create: allocate their ids (contexts are keyed by id),
 * build their contexts from the catalog (cluster names, size families) and resolve their overrides.
 * A replica whose size the size map does not know is created without overrides, as sync skips it.
 */
export async function planReplicaCreates(
  db: Db,
  flags: CreateTimeFlags,
  replicas: readonly ReplicaToCreate[],
): Promise<PreparedReplicaCreates> {
  const ids = await allocateReplicaIds(db, replicas.length)
  const [names, families] = await Promise.all([
    readClusterNames(db, [...new Set(replicas.map((r) => r.clusterId))]),
    readSizeFamilies(
      db,
      replicas.map((r) => r.size),
    ),
  ])
  const refs: ReplicaRef[] = []
  replicas.forEach((replica, i) => {
    const sizeFamily = families.get(replica.size)
    const clusterName = names.get(replica.clusterId)
    const id = ids[i]
    if (sizeFamily === undefined || clusterName === undefined || id === undefined) return
    refs.push({id, name: replica.name, size: replica.size, sizeFamily, clusterId: replica.clusterId, clusterName})
  })
  const resolution = await resolveForCreate(db, flags, {clusters: [], replicas: refs})
  return {ids, ...resolution}
}

/** Create-time flags from a source opened on first use (and only then), closed with {@link close}. */
export interface OpenedOnDemand extends CreateTimeFlags {
  close(): void
}

/**
 * Create-time flags for a one-shot command: the source is opened the first time an object is about
 * to be created, waiting at most {@link OPEN_TIMEOUT_MS}; a source that fails to open is
 * reported as unavailable (every later create goes ahead without overrides).
 */
export function openOnDemand(
  options: Omit<FlagSourceOptions, 'onLog' | 'onChange' | 'onAvailability'>,
  build: BuildInfo,
  keyMap?: ReadonlyMap<string, string>,
): OpenedOnDemand {
  let opened: Promise<FlagSource | {unavailable: string}> | null = null
  return {
    build,
    keyMap,
    source() {
      opened ??= openFlagSource({timeoutMs: OPEN_TIMEOUT_MS, ...options}).catch((error: unknown) => ({
        unavailable: (error as Error).message,
      }))
      return opened
    },
    close() {
      void opened?.then((source) => ('close' in source ? source.close() : undefined))
    },
  }
}

/**
 * The create-time flags a command has: from its `--flags-file`/`--sdk-key` (and key map), else the
 * environment (`MZCLUSTER_FLAGS_FILE`, `MZCLUSTER_LD_SDK_KEY`, `MZCLUSTER_LD_KEY_MAP`); null when
 * no source is configured — then nothing changes, and the next sync writes the overrides.
 */
export function configuredCreateTimeFlags(
  flags: FlagSourceFlags & {readonly keyMap?: readonly string[]} = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): OpenedOnDemand | null {
  const chosen = chooseFlagSource(flags, env)
  if (chosen === null) return null
  const keyMapSpec = flags.keyMap ?? (env[KEY_MAP_ENV] ? [env[KEY_MAP_ENV]] : undefined)
  const keyMap = keyMapSpec ? parseKeyMap(keyMapSpec, REGISTRY) : undefined
  return openOnDemand(chosen, buildInfo(env), keyMap)
}

/** The controller apply's hook: ids and scoped flag rows for the replicas it is about to create. */
export function replicaCreateHook(db: Db, flags: CreateTimeFlags): ReplicaCreateHook {
  return {prepare: (replicas) => planReplicaCreates(db, flags, replicas)}
}

/** `cluster create`'s hook: the new cluster's scoped flag rows, evaluated with its own context. */
export function clusterCreateHook(db: Db, flags: CreateTimeFlags): ClusterCreateHook {
  return {prepare: (cluster) => resolveForCreate(db, flags, {clusters: [cluster], replicas: []})}
}
