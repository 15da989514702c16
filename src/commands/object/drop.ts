import * as Args from '@oclif/core/args'
import type {DryRun} from '../../base-command.js'
import {BaseCommand, dryRunFlag} from '../../base-command.js'
import type {ObjectJson} from '../../lib/objects/types.js'

export default class ObjectDrop extends BaseCommand<typeof ObjectDrop> {
  static override summary = 'Drop an object.'
  static override description =
    'Removes the object with its hydration and frontier reports, at once and without a prompt (an object holds no data here). Its cluster’s replicas are then judged hydrated without it.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> orders_idx',
    '<%= config.bin %> <%= command.id %> "weird; name" --json',
  ]

  static override args = {
    name: Args.string({required: true, description: 'Object name.'}),
  }

  static override flags = dryRunFlag

  public async run(): Promise<ObjectJson | DryRun<ObjectJson>> {
    const {dropObjectStep} = await import('../../lib/objects/objects.js')
    const {objectDroppedLine, objectDropLines} = await import('../../lib/objects/render.js')
    const {previewWrite, runWrite} = await import('../../lib/catalog/write-step.js')
    const step = dropObjectStep(this.args.name)
    if (this.flags['dry-run']) {
      const planned = await previewWrite(await this.catalog(), step)
      return this.dryRunResult(planned, objectDropLines(planned, this.style))
    }
    const object = await runWrite(await this.catalog(), step)
    if (!this.jsonEnabled()) this.note(objectDroppedLine(object))
    return object
  }
}
