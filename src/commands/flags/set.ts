import * as Args from '@oclif/core/args'
import type {DryRun} from '../../base-command.js'
import type {SettingChange} from '../../lib/flags/settings.js'
import {SettingsCommand, settingsFlags} from '../../settings-command.js'

export default class FlagsSet extends SettingsCommand<typeof FlagsSet> {
  static override summary = 'Set parameters environment-wide, or pin them on a cluster or a replica.'
  static override description = `Without a target the values are environment-wide (any parameter). --cluster pins cluster-scoped parameters on one cluster (its FEATURES); --replica pins replica-scoped parameters on one replica. A pin beats the environment-wide value; an override written by \`flags sync\` beats a pin.

Everything is checked before anything is written: an unknown parameter, a parameter whose scope does not fit the target, a value that does not parse, or an unknown cluster or replica exits with code 2 and writes nothing. Values are stored in their canonical spelling (true → on, 64MB → 64MiB).

JSON: an array of {scope, object_id, object_name, name, value, previous, changed}.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> max_replicas_per_cluster=10',
    '<%= config.bin %> <%= command.id %> enable_eager_delta_joins=true --cluster prod',
    '<%= config.bin %> <%= command.id %> enable_lgalloc=off lgalloc_slow_clear_bytes=256MiB --replica prod.r1',
  ]

  static override strict = false
  static override args = {
    setting: Args.string({description: 'NAME=VALUE; give several to set them together.', required: true}),
  }

  static override flags = settingsFlags

  public async run(): Promise<SettingChange[] | DryRun<{changes: SettingChange[]}>> {
    const {argv} = await this.parse(FlagsSet)
    return this.writeSettings('set', argv as string[])
  }
}
