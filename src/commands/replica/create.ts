import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../base-command.js'
import type {ReplicaListItem} from '../../lib/ddl/show.js'

export default class ReplicaCreate extends BaseCommand<typeof ReplicaCreate> {
  static override summary = 'Create a replica in an unmanaged cluster.'
  static override description =
    "Only unmanaged clusters take manual replicas: the controller owns a managed cluster's replica set (change it with `mzcluster cluster alter --replication-factor` or `--size`). Quote a cluster name that contains dots: '\"my.cluster\".r1'."

  static override examples = [
    '<%= config.bin %> <%= command.id %> scratch.r1 --size 100cc',
    '<%= config.bin %> <%= command.id %> scratch.r2 --size 200cc --availability-zone use1-az2',
  ]

  static override args = {
    replica: Args.string({description: 'CLUSTER.REPLICA', required: true}),
  }

  static override flags = {
    size: Flags.string({
      summary: 'Replica size (see `mzcluster size list`).',
      required: true,
      helpValue: 'SIZE',
    }),
    'availability-zone': Flags.string({
      summary: 'Pin the replica to one availability zone.',
      helpValue: 'AZ',
    }),
  }

  public async run(): Promise<ReplicaListItem> {
    const {parseReplicaRef} = await import('../../lib/input/names.js')
    const ref = parseReplicaRef(this.args.replica)
    const db = await this.catalog()
    const {createReplica} = await import('../../lib/ddl/replicas.js')
    const {listReplicas} = await import('../../lib/ddl/show.js')
    const row = await createReplica(db, ref, {
      size: this.flags.size,
      availabilityZone: this.flags['availability-zone'],
    })
    const created = (await listReplicas(db, {cluster: ref.cluster})).find((replica) => replica.id === row.id)
    if (!created) throw new Error(`replica ${row.id} vanished after creation`)
    this.note(
      `Created replica ${JSON.stringify(created.name)} (${created.id}) in cluster ${JSON.stringify(created.cluster_name)}: ${created.size}.`,
    )
    return created
  }
}
