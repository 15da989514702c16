import {Args} from '@oclif/core'
import {BaseCommand} from '../../base-command.js'
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

  public async run(): Promise<ObjectJson> {
    const {dropObject} = await import('../../lib/objects/objects.js')
    const object = await dropObject(await this.catalog(), this.args.name)
    if (!this.jsonEnabled())
      this.note(`Dropped ${object.type} ${object.name} (${object.id}) from cluster ${object.cluster_name}.`)
    return object
  }
}
