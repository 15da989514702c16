// What `flags set` and `flags unset` share: the target flags (none, --cluster or --replica), the
// dry run, and how the changes are written and confirmed — one line per change on stderr, or with
// --dry-run the same lines as what would be written.

import type {Command} from '@oclif/core'
import type {DryRun} from './base-command.js'
import {BaseCommand, dryRunFlag} from './base-command.js'
import type {SettingChange} from './lib/flags/settings.js'
import {settingTarget, targetFlags} from './lib/flags/target-flags.js'

export const settingsFlags = {...targetFlags, ...dryRunFlag}

export abstract class SettingsCommand<T extends typeof Command> extends BaseCommand<T> {
  /** Set or unset the parameters the command's words name, on the target its flags name. */
  protected async writeSettings(action: 'set' | 'unset', words: readonly string[]): Promise<SettingChange[] | DryRun<{changes: SettingChange[]}>> {
    const flags = this.flags as {cluster?: string; replica?: string; 'dry-run'?: boolean}
    const target = await settingTarget(flags)
    const [{setParametersStep, unsetParametersStep}, {settingLine}, {previewWrite, runWrite}] = await Promise.all([
      import('./lib/flags/settings.js'),
      import('./lib/flags/render.js'),
      import('./lib/catalog/write-step.js'),
    ])
    const step = action === 'set' ? setParametersStep(target, words) : unsetParametersStep(target, words)
    if (flags['dry-run']) {
      const changes = [...(await previewWrite(await this.catalog(), step)).changes]
      return this.dryRunResult(
        {changes},
        changes.map((change) => settingLine(change, this.style)),
      )
    }
    const changes = await runWrite(await this.catalog(), step)
    for (const change of changes) this.note(settingLine(change, this.errStyle))
    return changes
  }
}
