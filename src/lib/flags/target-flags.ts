// The `--cluster C | --replica C.R` target of `flags set` and `flags unset`, shared by both
// commands. Kept apart from settings.ts so a command module loads only oclif and this at start-up.

import * as Flags from '@oclif/core/flags'

import type {SettingTarget} from './settings.js'

export const targetFlags = {
  cluster: Flags.string({
    summary: 'Pin on this cluster (cluster-scoped parameters).',
    helpValue: 'CLUSTER',
  }),
  replica: Flags.string({
    summary: 'Pin on this replica, as CLUSTER.REPLICA (replica-scoped parameters).',
    helpValue: 'CLUSTER.REPLICA',
  }),
}

/** The target named by the flags (none: environment-wide). */
export async function settingTarget(flags: {cluster?: string; replica?: string}): Promise<SettingTarget> {
  if (flags.cluster !== undefined && flags.replica !== undefined) {
    const {UsageError} = await import('../errors.js')
    throw new UsageError('give --cluster or --replica, not both', {code: 'INVALID_USAGE'})
  }
  if (flags.replica !== undefined) {
    const {parseReplicaRef} = await import('../input/names.js')
    return {kind: 'replica', replica: parseReplicaRef(flags.replica)}
  }
  if (flags.cluster !== undefined) {
    const {validateName} = await import('../input/names.js')
    return {kind: 'cluster', cluster: validateName('cluster', flags.cluster)}
  }
  return {kind: 'environment'}
}
