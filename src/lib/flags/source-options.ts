// Which flag source a command uses: `--flags-file` or `--sdk-key`, else the environment
// (MZCLUSTER_FLAGS_FILE, MZCLUSTER_LD_SDK_KEY), and MZCLUSTER_LD_BASE_URI for a relay proxy. The
// SDK key is a secret: it is never part of a message.

import {UsageError} from '../errors.js'
import type {FlagSourceOptions} from './flag-source.js'

export interface FlagSourceFlags {
  readonly flagsFile?: string
  readonly sdkKey?: string
}

export const FLAGS_FILE_ENV = 'MZCLUSTER_FLAGS_FILE'
export const SDK_KEY_ENV = 'MZCLUSTER_LD_SDK_KEY'
export const BASE_URI_ENV = 'MZCLUSTER_LD_BASE_URI'
export const KEY_MAP_ENV = 'MZCLUSTER_LD_KEY_MAP'

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === '' ? undefined : value

/**
 * The flag source to open, or null when none is configured. Flags win over the environment; two
 * sources at one level are refused rather than guessed between.
 */
export function chooseFlagSource(
  flags: FlagSourceFlags,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Omit<FlagSourceOptions, 'onLog'> | null {
  let flagsFile = nonEmpty(flags.flagsFile)
  let sdkKey = nonEmpty(flags.sdkKey)
  if (flagsFile !== undefined && sdkKey !== undefined) {
    throw new UsageError('give --flags-file or --sdk-key, not both', {code: 'INVALID_USAGE'})
  }
  if (flagsFile === undefined && sdkKey === undefined) {
    flagsFile = nonEmpty(env[FLAGS_FILE_ENV])
    sdkKey = nonEmpty(env[SDK_KEY_ENV])
    if (flagsFile !== undefined && sdkKey !== undefined) {
      throw new UsageError(`both ${FLAGS_FILE_ENV} and ${SDK_KEY_ENV} are set`, {
        code: 'INVALID_USAGE',
        hint: 'pass --flags-file or --sdk-key to choose one',
      })
    }
  }
  if (flagsFile !== undefined) return {flagsFile}
  if (sdkKey !== undefined) {
    const baseUri = nonEmpty(env[BASE_URI_ENV])
    return baseUri === undefined ? {sdkKey} : {sdkKey, baseUri}
  }
  return null
}

/** Like {@link chooseFlagSource}, but a missing source is a usage error naming both flags. */
export function requireFlagSource(
  flags: FlagSourceFlags,
  env: Readonly<Record<string, string | undefined>> = process.env,
): Omit<FlagSourceOptions, 'onLog'> {
  const chosen = chooseFlagSource(flags, env)
  if (chosen === null) {
    throw new UsageError(
      'no flag source: pass --flags-file FILE (a LaunchDarkly flag-data file) or --sdk-key KEY',
      {
        code: 'NO_FLAG_SOURCE',
        hint: `or set ${FLAGS_FILE_ENV} or ${SDK_KEY_ENV}`,
      },
    )
  }
  return chosen
}
