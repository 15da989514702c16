// The cluster option flags shared by `cluster create` and `cluster alter`, and their mapping to
// ClusterOptionInput. Values stay strings here: parseClusterOptions turns them into typed values
// with one-line UsageErrors (exit 2) rather than oclif's multi-line parse errors.

import * as Flags from '@oclif/core/flags'
import type {ClusterOptionInput} from './cluster-options.js'

export const clusterOptionFlags = {
  size: Flags.string({
    summary: 'Replica size of the cluster (see `mzcluster size list`).',
    helpValue: 'SIZE',
  }),
  'replication-factor': Flags.string({
    summary: 'Number of replicas, 0 or more (default 1; up to max_replicas_per_cluster).',
    helpValue: 'N',
  }),
  'availability-zones': Flags.string({
    summary: 'Comma-separated availability zones, in provisioning order (empty: any zone).',
    helpValue: 'AZ,AZ',
  }),
  'introspection-debugging': Flags.boolean({
    summary: 'Introspect the introspection dataflows too (INTROSPECTION DEBUGGING).',
    allowNo: true,
  }),
  'introspection-interval': Flags.string({
    summary: 'Introspection interval, e.g. 1s (default); 0 turns introspection off.',
    helpValue: 'DURATION',
  }),
  schedule: Flags.string({
    summary: 'manual (replication factor decides) or on-refresh (a replica runs only around refreshes).',
    helpValue: 'manual|on-refresh',
  }),
  'hydration-time-estimate': Flags.string({
    summary: 'With --schedule on-refresh: how long before a refresh to start a replica (default 0s).',
    helpValue: 'DURATION',
  }),
  'hydration-size': Flags.string({
    summary: 'Auto-scaling: hydrate on a temporary burst replica of this size (must differ from --size).',
    helpValue: 'SIZE',
  }),
  linger: Flags.string({
    summary:
      'Auto-scaling: keep the burst replica this long after hydration (default: default_hydration_burst_linger).',
    helpValue: 'DURATION',
  }),
  feature: Flags.string({
    summary: 'Pin a cluster-scoped parameter for this cluster, NAME=VALUE (repeatable).',
    helpValue: 'NAME=VALUE',
    multiple: true,
  }),
}

/** The create-time flags: the shared options plus --unmanaged. */
export const clusterCreateFlags = {
  ...clusterOptionFlags,
  unmanaged: Flags.boolean({
    summary:
      'Create an unmanaged cluster: no size or replication factor; add replicas with `replica create`.',
  }),
}

export interface ClusterOptionFlagValues {
  size?: string
  'replication-factor'?: string
  'availability-zones'?: string
  'introspection-debugging'?: boolean
  'introspection-interval'?: string
  schedule?: string
  'hydration-time-estimate'?: string
  'hydration-size'?: string
  linger?: string
  feature?: string[]
  unmanaged?: boolean
}

export function clusterOptionInput(flags: ClusterOptionFlagValues): ClusterOptionInput {
  return {
    size: flags.size,
    replicationFactor: flags['replication-factor'],
    availabilityZones: flags['availability-zones'],
    introspectionDebugging: flags['introspection-debugging'],
    introspectionInterval: flags['introspection-interval'],
    schedule: flags.schedule,
    hydrationTimeEstimate: flags['hydration-time-estimate'],
    hydrationSize: flags['hydration-size'],
    linger: flags.linger,
    features: flags.feature,
    unmanaged: flags.unmanaged,
  }
}
