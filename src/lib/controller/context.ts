// The controller's one seam to the world: value types for cluster state, live and config signals,
// decisions and the compare-and-append witness, and the context interface that the catalog (SQL)
// and the in-memory fake both implement. Nothing here performs I/O.

export type ClusterId = string & {readonly __brand: 'ClusterId'}
export type ReplicaId = string & {readonly __brand: 'ReplicaId'}
export type ObjectId = string & {readonly __brand: 'ObjectId'}

export const clusterId = (id: string): ClusterId => id as ClusterId
export const replicaId = (id: string): ReplicaId => id as ReplicaId
export const objectId = (id: string): ObjectId => id as ObjectId

/** Milliseconds since the Unix epoch. */
export type TimestampMs = number
/** A duration in milliseconds. */
export type DurationMs = number

/** Introspection settings; `intervalMs: null` means introspection is off (INTERVAL 0). */
export interface Logging {
  readonly logLogging: boolean
  readonly intervalMs: DurationMs | null
}

export const DEFAULT_LOGGING: Logging = {logLogging: false, intervalMs: 1000}

export type Schedule =
  | {readonly kind: 'manual'}
  | {readonly kind: 'on-refresh'; readonly hydrationTimeEstimateMs: DurationMs}

export interface OnHydrationPolicy {
  readonly hydrationSize: string
  /** null: use `default_hydration_burst_linger` when a burst is armed. */
  readonly lingerMs: DurationMs | null
}

export interface AutoScalingPolicy {
  readonly onHydration: OnHydrationPolicy | null
}

export type ReconfigurationStatus = 'in-progress' | 'finalized' | 'timed-out' | 'cancelled' | 'resource-exhausted'
export type OnTimeout = 'commit' | 'rollback'

export interface ReconfigurationTarget {
  readonly size: string
  readonly replicationFactor: number
  /** Ordered: the order is the provisioning order and part of the witness. */
  readonly availabilityZones: readonly string[]
  readonly logging: Logging
}

export interface ReconfigurationRecord {
  readonly target: ReconfigurationTarget
  readonly deadlineMs: TimestampMs
  readonly onTimeout: OnTimeout
  readonly status: ReconfigurationStatus
}

export interface BurstRecord {
  readonly burstSize: string
  readonly lingerMs: DurationMs
  readonly steadyHydratedAtMs: TimestampMs | null
}

/** Replica shape: size, AZ set (order-insensitive for matching), logging. */
export interface ReplicaShape {
  readonly size: string
  readonly availabilityZones: readonly string[]
  readonly logging: Logging
}

export interface ObservedReplica {
  readonly replicaId: ReplicaId
  readonly name: string
  /** null for replicas without a managed location (they have no shape and are never owned). */
  readonly shape: ReplicaShape | null
  readonly internal: boolean
  readonly billedAs: string | null
  readonly pending: boolean
}

/** One managed cluster as read for one tick. Replicas are in ascending id (creation) order. */
export interface ClusterState {
  readonly clusterId: ClusterId
  readonly name: string
  readonly size: string
  readonly replicationFactor: number
  readonly availabilityZones: readonly string[]
  readonly logging: Logging
  readonly schedule: Schedule
  readonly autoScalingPolicy: AutoScalingPolicy | null
  readonly reconfiguration: ReconfigurationRecord | null
  readonly burst: BurstRecord | null
  readonly replicas: readonly ObservedReplica[]
}

/**
 * The compare-and-append witness: exactly the fields a decision was derived from. Excludes the
 * replica set, every live and config signal, the name, owner and manual feature pins.
 */
export interface ExpectedClusterState {
  readonly size: string
  readonly replicationFactor: number
  readonly availabilityZones: readonly string[]
  readonly logging: Logging
  readonly schedule: Schedule
  readonly autoScalingPolicy: AutoScalingPolicy | null
  readonly reconfiguration: ReconfigurationRecord | null
  readonly burst: BurstRecord | null
}

/** Config signals, latched once per tick from system parameters; never part of the witness. */
export interface ConfigSignals {
  readonly burstEnabled: boolean
  readonly defaultBurstLingerMs: DurationMs
}

export const DEFAULT_CONFIG_SIGNALS: ConfigSignals = {burstEnabled: true, defaultBurstLingerMs: 0}

/** What a strategy asks to be fetched for a cluster (ORed across strategies). */
export interface SignalRequest {
  readonly hydration: boolean
  readonly hydratableObjects: boolean
  readonly refreshWindow: boolean
}

export const NO_SIGNALS: SignalRequest = {hydration: false, hydratableObjects: false, refreshWindow: false}

/** One refresh schedule: `REFRESH EVERY interval ALIGNED TO alignedTo` entries and `REFRESH AT` times. */
export interface RefreshSchedule {
  readonly everies: readonly {readonly intervalMs: DurationMs; readonly alignedToMs: TimestampMs}[]
  readonly ats: readonly TimestampMs[]
}

export interface RefreshMv {
  readonly id: ObjectId
  /** The write frontier's single element, or null when the frontier is empty (sealed). */
  readonly writeFrontier: TimestampMs | null
  readonly refreshSchedule: RefreshSchedule
}

export interface RefreshWindowInputs {
  readonly readTs: TimestampMs
  readonly compactionEstimateMs: DurationMs
  readonly refreshMvs: readonly RefreshMv[]
}

/** Live signals for one cluster; a field is undefined when nobody asked for it. */
export interface LiveSignals {
  readonly hydratedReplicas?: ReadonlySet<ReplicaId>
  readonly hasHydratableObjects?: boolean
  readonly refreshWindow?: RefreshWindowInputs | null
}

export interface RefreshDecision {
  readonly objectsNeedingRefresh: readonly ObjectId[]
  readonly objectsNeedingCompaction: readonly ObjectId[]
  readonly hydrationTimeEstimateMs: DurationMs
}

/** Why a replica is created; merged per shape by precedence (graceful > burst > on-refresh > baseline). */
export type CreateReason =
  | {readonly kind: 'baseline'}
  | {readonly kind: 'graceful-reconfiguration'}
  | {readonly kind: 'hydration-burst'}
  | {readonly kind: 'on-refresh'; readonly decision: RefreshDecision}

export interface DesiredReplica {
  readonly shape: ReplicaShape
  readonly reason: CreateReason
}

export type ReconfigurationAudit =
  | {readonly transition: 'started' | 'timed-out' | 'cancelled' | 'resource-exhausted'}
  | {readonly transition: 'finalized'; readonly forced: boolean}

export type BurstAudit =
  | {readonly transition: 'started'}
  | {readonly transition: 'finished'; readonly cause: 'linger-elapsed' | 'no-longer-warranted'}

/** Every field optional; absent = leave unchanged. A record write carries its declared audit intent. */
export interface StateWrite {
  readonly newSize?: string
  readonly newReplicationFactor?: number
  readonly newAvailabilityZones?: readonly string[]
  readonly newLogging?: Logging
  readonly reconfiguration?: {readonly record: ReconfigurationRecord | null; readonly audit: ReconfigurationAudit | null}
  readonly burst?: {readonly record: BurstRecord | null; readonly audit: BurstAudit | null}
}

export type Decision =
  | {
      readonly kind: 'create'
      readonly clusterId: ClusterId
      readonly name: string
      readonly shape: ReplicaShape
      readonly reason: CreateReason
      /** Names of the strategies that desired this shape, in strategy order. */
      readonly attribution: readonly string[]
      readonly expected: ExpectedClusterState
    }
  | {readonly kind: 'drop'; readonly clusterId: ClusterId; readonly replicaId: ReplicaId; readonly expected: ExpectedClusterState}
  | {readonly kind: 'updateState'; readonly clusterId: ClusterId; readonly expected: ExpectedClusterState; readonly write: StateWrite}

export type ApplyOutcome = 'applied' | 'rejected' | 'resource-exhausted'

/**
 * The controller's view of the world. Reads are batched and pulled on demand; `apply` is atomic:
 * every cluster's witness is checked and all decisions commit together, or nothing is written.
 */
export interface ClusterControllerCtx {
  /** The tick's time, latched by the most recent `clusterStates` read. */
  now(): TimestampMs
  configSignals(): Promise<ConfigSignals>
  /** All user managed clusters the controller owns (empty when the controller is off). */
  managedClusterIds(): Promise<ClusterId[]>
  /** Batched, consistent read; missing or unmanaged clusters are omitted. */
  clusterStates(ids: readonly ClusterId[]): Promise<ClusterState[]>
  /** Fetch only the requested signals, for all requesting clusters at once. */
  liveSignals(requests: ReadonlyMap<ClusterId, SignalRequest>, states: ReadonlyMap<ClusterId, ClusterState>): Promise<Map<ClusterId, LiveSignals>>
  apply(decisions: readonly Decision[]): Promise<ApplyOutcome>
  /**
   * Optional bulk form of `apply`: the outcome of each batch, in order, exactly as if each had been
   * handed to `apply` one after the other — every batch is atomic and independent (a rejected or
   * resource-exhausted batch never blocks another, and a later batch sees an earlier one's
   * effects). Without it the kernel calls `apply` once per batch.
   */
  applyEach?(batches: readonly (readonly Decision[])[]): Promise<ApplyOutcome[]>
}
