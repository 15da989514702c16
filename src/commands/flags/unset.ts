import {Args} from '@oclif/core'
import type {DryRun} from '../../base-command.js'
import {BaseCommand, dryRunFlag} from '../../base-command.js'
import type {SettingChange} from '../../lib/flags/settings.js'
import {settingTarget, targetFlags} from '../../lib/flags/target-flags.js'

export default class FlagsUnset extends BaseCommand<typeof FlagsUnset> {
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

  static override flags = {...targetFlags, ...dryRunFlag}

  public async run(): Promise<SettingChange[] | DryRun<{changes: SettingChange[]}>> {
    const {argv} = await this.parse(FlagsUnset)
    const target = await settingTarget(this.flags)
    const {unsetParametersStep} = await import('../../lib/flags/settings.js')
    const {settingLine} = await import('../../lib/flags/render.js')
    const {previewWrite, runWrite} = await import('../../lib/catalog/write-step.js')
    const step = unsetParametersStep(target, argv as string[])
    if (this.flags['dry-run']) {
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
