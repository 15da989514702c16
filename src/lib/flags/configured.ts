// Create-time flags for one-shot commands (`cluster create`, `tick`): the source named by the
// command's flags, else the environment, or none. Cheap when none is configured: the LaunchDarkly
// SDK is loaded only when a source is.

import type {Db} from '../catalog/db.js'
import type {ClusterCreateHook} from '../catalog/flags.js'
import type {OpenedOnDemand} from './create-time.js'
import {chooseFlagSource, type FlagSourceFlags} from './source-options.js'

export type SourceInput = FlagSourceFlags & {readonly keyMap?: readonly string[]}

/** The configured source as create-time flags (opened on first use), or null without one. */
export async function configuredFlags(input: SourceInput = {}): Promise<OpenedOnDemand | null> {
  if (chooseFlagSource(input) === null) return null
  const {configuredCreateTimeFlags} = await import('./create-time.js')
  return configuredCreateTimeFlags(input)
}

/** `cluster create`: the hook that resolves the new cluster's flags, when a source is configured. */
export async function clusterCreateHookFor(
  db: Db,
  input: SourceInput,
): Promise<{createTimeFlags: OpenedOnDemand | null; hook?: ClusterCreateHook}> {
  const createTimeFlags = await configuredFlags(input)
  if (createTimeFlags === null) return {createTimeFlags}
  const {clusterCreateHook} = await import('./create-time.js')
  return {createTimeFlags, hook: clusterCreateHook(db, createTimeFlags)}
}
