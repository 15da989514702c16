// Small flag-data documents for the live-sync and create-time tests (full flag definitions, as a
// flag-data file or LaunchDarkly's stream carries them). Keys are the parameter names.
//   enable_lgalloc            legacy-family replicas get `legacyLgalloc` (everyone else true = default)
//   enable_eager_delta_joins  clusters named in `eagerClusters` get true (everyone else false = default)

import {writeFileSync} from 'node:fs'
import type {FlagData} from './fake-launchdarkly.js'

export interface ScopedFlags {
  readonly legacyLgalloc: boolean
  readonly eagerClusters?: readonly string[]
  /** LaunchDarkly bumps a flag's version on every change; an edited file need not. */
  readonly version?: number
}

function booleanFlag(key: string, fallthrough: boolean, rules: unknown[], version: number) {
  return {
    key,
    on: true,
    variations: [false, true],
    offVariation: 0,
    fallthrough: {variation: fallthrough ? 1 : 0},
    targets: [],
    contextTargets: [],
    rules,
    prerequisites: [],
    salt: `${key}-salt`,
    version,
    trackEvents: false,
    trackEventsFallthrough: false,
    clientSide: false,
    deleted: false,
  }
}

function rule(id: string, contextKind: string, attribute: string, values: readonly string[], serve: boolean) {
  return {
    id,
    clauses: [{contextKind, attribute, op: 'in', values, negate: false}],
    variation: serve ? 1 : 0,
    trackEvents: false,
  }
}

export function scopedFlagData({legacyLgalloc, eagerClusters = [], version = 1}: ScopedFlags): FlagData {
  return {
    flags: {
      enable_lgalloc: booleanFlag(
        'enable_lgalloc',
        true,
        [rule('legacy', 'replica', 'replica_size_family', ['legacy'], legacyLgalloc)],
        version,
      ),
      enable_eager_delta_joins: booleanFlag(
        'enable_eager_delta_joins',
        false,
        eagerClusters.length === 0 ? [] : [rule('named', 'cluster', 'cluster_name', eagerClusters, true)],
        version,
      ),
    },
    segments: {},
  }
}

/** Write the flag data to `path` in place (the same file, as an editor saving it does). */
export function writeFlagFile(path: string, flags: ScopedFlags): void {
  writeFileSync(path, JSON.stringify(scopedFlagData(flags), null, 2))
}

/** Poll `check` until it returns true; fail after `timeoutMs` (a ceiling, not an expected latency). */
export async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
