import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import type {ObjectJson} from '../../lib/objects/types.js'

export default class ObjectList extends BaseCommand<typeof ObjectList> {
  static override summary = 'List objects bound to clusters.'
  static override description =
    'One row per object in creation order: type, cluster, the replica it is pinned to, and its refresh schedule. --json adds ids, the schedule as data, and the last reported write frontier (write_frontier, sealed).'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --cluster prod',
    '<%= config.bin %> <%= command.id %> --json | jq -r \'.[] | select(.type == "materialized-view") | .name\'',
  ]

  static override flags = {
    cluster: Flags.string({summary: 'Only objects of this cluster.'}),
  }

  public async run(): Promise<ObjectJson[]> {
    const {listObjects} = await import('../../lib/objects/objects.js')
    const {describeRefresh} = await import('../../lib/objects/refresh.js')
    const objects = await listObjects(await this.catalog(), {cluster: this.flags.cluster})
    this.printRows(
      [
        {key: 'name', header: 'NAME'},
        {key: 'type', header: 'TYPE'},
        {key: 'cluster_name', header: 'CLUSTER'},
        {key: 'replica_name', header: 'PINNED'},
        {key: 'refresh', header: 'REFRESH'},
      ],
      objects.map((object) => ({...object, refresh: describeRefresh(object.type, object.refresh_schedule)})),
    )
    return objects
  }
}
