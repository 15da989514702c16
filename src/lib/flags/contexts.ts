// LaunchDarkly contexts for the three evaluation passes (flags-spec §2, §5): the environment id
// parser, the attribute sets of clusters and replicas, and
// the multi-context builders. Every attribute is a string; scoped kinds are anonymous. Pure.

import type {LDContextCommon, LDMultiKindContext} from '@launchdarkly/node-server-sdk'

import {ContextError, EnvironmentIdError} from './errors.js'

export const KNOWN_CLOUD_PROVIDERS: readonly string[] = [
  'local',
  'docker',
  'mzcompose',
  'cloudtest',
  'aws',
  'gcp',
  'azure',
  'generic',
]

export const NIL_UUID = '00000000-0000-0000-0000-000000000000'
/** The environment key of `local` environments, which are anonymous. */
export const LOCAL_ENVIRONMENT_KEY = 'anonymous-dev@materialize.com'

export interface EnvironmentId {
  readonly cloudProvider: string
  readonly region: string
  readonly organizationId: string
  readonly ordinal: number
}

const ENVIRONMENT_ID =
  /^([A-Za-z0-9]+)-([A-Za-z0-9-]+)-([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})-(\d{1,8})$/

/** Parse `<provider>-<region>-<organization uuid>-<ordinal>`; throws {@link EnvironmentIdError}. */
export function parseEnvironmentId(text: string): EnvironmentId {
  const m = ENVIRONMENT_ID.exec(text)
  if (!m) {
    throw new EnvironmentIdError(text, 'expected <cloud provider>-<region>-<organization uuid>-<ordinal>')
  }
  const [, cloudProvider = '', region = '', organizationId = '', ordinal = '0'] = m
  if (!KNOWN_CLOUD_PROVIDERS.includes(cloudProvider)) {
    throw new EnvironmentIdError(
      text,
      `unknown cloud provider ${JSON.stringify(cloudProvider)} (known: ${KNOWN_CLOUD_PROVIDERS.join(', ')})`,
    )
  }
  return {cloudProvider, region, organizationId: organizationId.toLowerCase(), ordinal: Number(ordinal)}
}

export function formatEnvironmentId(env: EnvironmentId): string {
  return `${env.cloudProvider}-${env.region}-${env.organizationId}-${env.ordinal}`
}

export interface BuildInfo {
  readonly sha: string
  readonly semver: string
}

export interface ClusterRef {
  readonly id: string
  readonly name: string
}

/** A managed replica (unmanaged replicas have no size and are never evaluated). */
export interface ReplicaRef {
  readonly id: string
  readonly name: string
  readonly size: string
  readonly sizeFamily: string
  readonly clusterId: string
  readonly clusterName: string
}

/** `s<N>` is a system (builtin) object, `u<N>` a user one; anything else cannot be targeted. */
export function isBuiltinId(id: string): boolean {
  const m = /^([su])\d+$/.exec(id)
  if (!m)
    throw new ContextError(`cannot build a flag context for id ${JSON.stringify(id)}: expected s<N> or u<N>`)
  return m[1] === 's'
}

export type ClusterAttributes = Readonly<Record<'cluster_id' | 'cluster_name' | 'is_builtin', string>>
export type ReplicaAttributes = ClusterAttributes &
  Readonly<Record<'replica_id' | 'replica_name' | 'replica_size' | 'replica_size_family', string>>

export function clusterAttributes(cluster: ClusterRef): ClusterAttributes {
  return {cluster_id: cluster.id, cluster_name: cluster.name, is_builtin: String(isBuiltinId(cluster.id))}
}

/** A replica carries its owning cluster's attributes; its `is_builtin` is the cluster's. */
export function replicaAttributes(replica: ReplicaRef): ReplicaAttributes {
  return {
    replica_id: replica.id,
    replica_name: replica.name,
    replica_size: replica.size,
    replica_size_family: replica.sizeFamily,
    ...clusterAttributes({id: replica.clusterId, name: replica.clusterName}),
  }
}

function environmentKinds(env: EnvironmentId, build: BuildInfo): Record<string, LDContextCommon> {
  const local = env.cloudProvider === 'local'
  const organizationId = local ? NIL_UUID : env.organizationId
  const anonymous = local ? {anonymous: true} : {}
  return {
    environment: {
      key: local ? LOCAL_ENVIRONMENT_KEY : formatEnvironmentId(env),
      ...anonymous,
      cloud_provider: env.cloudProvider,
      cloud_provider_region: env.region,
      organization_id: organizationId,
      ordinal: String(env.ordinal),
    },
    organization: {key: organizationId, ...anonymous},
    build: {key: build.sha, semver_version: build.semver},
  }
}

/** Env-wide pass: environment + organization + build. */
export function environmentContext(env: EnvironmentId, build: BuildInfo): LDMultiKindContext {
  return {kind: 'multi', ...environmentKinds(env, build)}
}

/** Cluster pass: env kinds + cluster (no replica kind, so cluster flags cannot vary by replica). */
export function clusterContext(
  env: EnvironmentId,
  build: BuildInfo,
  cluster: ClusterRef,
): LDMultiKindContext {
  const attributes = clusterAttributes(cluster)
  return {
    kind: 'multi',
    ...environmentKinds(env, build),
    cluster: {key: cluster.id, anonymous: true, ...attributes},
  }
}

/** Replica pass: env kinds + the owning cluster + replica. */
export function replicaContext(
  env: EnvironmentId,
  build: BuildInfo,
  replica: ReplicaRef,
): LDMultiKindContext {
  const attributes = replicaAttributes(replica)
  return {
    kind: 'multi',
    ...environmentKinds(env, build),
    cluster: {
      key: replica.clusterId,
      anonymous: true,
      cluster_id: attributes.cluster_id,
      cluster_name: attributes.cluster_name,
      is_builtin: attributes.is_builtin,
    },
    replica: {key: replica.id, anonymous: true, ...attributes},
  }
}
