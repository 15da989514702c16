// The flag-source options shared by every command that evaluates LaunchDarkly flags (`flags sync`,
// `flags inspect`, `run`, `tick`, `cluster create`). Only oclif is imported, so a command module
// stays cheap to load.

import * as Flags from '@oclif/core/flags'

export const flagSourceFlags = {
  'flags-file': Flags.string({
    summary: 'A LaunchDarkly flag-data JSON file (the SDK file data source; offline).',
    helpValue: 'FILE',
  }),
  'sdk-key': Flags.string({
    summary: 'A LaunchDarkly server-side SDK key (prefer $MZCLUSTER_LD_SDK_KEY: flags show up in process lists).',
    helpValue: 'KEY',
  }),
  'key-map': Flags.string({
    summary: "PARAMETER=FLAG_KEY pairs separated by ';' (repeatable); unmapped parameters use their own name.",
    helpValue: 'MAP',
    multiple: true,
    env: 'MZCLUSTER_LD_KEY_MAP',
  }),
}

/** The flag-source flags as the flags library reads them. */
export function flagSourceInput(flags: {'flags-file'?: string; 'sdk-key'?: string; 'key-map'?: string[]}): {
  flagsFile?: string
  sdkKey?: string
  keyMap?: string[]
} {
  return {flagsFile: flags['flags-file'], sdkKey: flags['sdk-key'], keyMap: flags['key-map']}
}
