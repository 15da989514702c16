import * as Args from '@oclif/core/args'
import type {DryRun} from '../../base-command.js'
import type {SettingChange} from '../../lib/flags/settings.js'
import {SettingsCommand, settingsFlags} from '../../settings-command.js'

export default class FlagsUnset extends SettingsCommand<typeof FlagsUnset> {
  static override summary = 'Remove environment-wide values or the pins of a cluster or a replica.'
  static override description = `The parameter falls back to the next layer down (pin → environment-wide value → default). Unsetting something that is not set succeeds with a note. An unknown parameter, a scope that does not fit the target or an unknown cluster or replica exits with code 2 and removes nothing.

JSON: an array of {scope, object_id, object_name, name, value (null), previous, changed}.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> max_replicas_per_cluster',
    '<%= config.bin %> <%= command.id %> enable_eager_delta_joins --cluster prod',
    '<%= config.bin %> <%= command.id %> enable_lgalloc --replica prod.r1',
  ]

  static override strict = false
  static override args = {
    name: Args.string({description: 'Parameter name; give several to remove them together.', required: true}),
  }

  static override flags = settingsFlags

  public async run(): Promise<SettingChange[] | DryRun<{changes: SettingChange[]}>> {
    const {argv} = await this.parse(FlagsUnset)
    return this.writeSettings('unset', argv as string[])
  }
}
