import * as Args from '@oclif/core/args'
import type {DryRun} from '../../base-command.js'
import {BaseCommand, dryRunFlag} from '../../base-command.js'
import type {ReplicaDropResult} from '../../lib/ddl/replicas.js'

export default class ReplicaDrop extends BaseCommand<typeof ReplicaDrop> {
  static override summary = 'Drop a replica of an unmanaged cluster.'
  static override description =
    'Does not ask for confirmation: managing replicas by hand is the routine way of running an unmanaged cluster, and a replica holds no durable state. Replicas of managed clusters belong to the controller: change them with `mzcluster cluster alter`.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> scratch.r1',
    '<%= config.bin %> <%= command.id %> \'"my.cluster".r1\'',
  ]

  static override args = {
    replica: Args.string({description: 'CLUSTER.REPLICA', required: true}),
  }

  static override flags = dryRunFlag

  public async run(): Promise<ReplicaDropResult | DryRun<ReplicaDropResult>> {
    const {parseReplicaRef} = await import('../../lib/input/names.js')
    const ref = parseReplicaRef(this.args.replica)
    const db = await this.catalog()
    const {dropReplicaStep, replicaDropResult} = await import('../../lib/ddl/replicas.js')
    const {previewWrite, runWrite} = await import('../../lib/catalog/write-step.js')
    const step = dropReplicaStep(ref)
    if (this.flags['dry-run']) {
      const planned = replicaDropResult(await previewWrite(db, step))
      const {replicaDropLines} = await import('../../lib/ddl/render.js')
      return this.dryRunResult(planned, replicaDropLines(planned, this.style))
    }
    const result = await runWrite(db, step)
    this.note(
      `Dropped replica ${JSON.stringify(result.replica_name)} (${result.replica_id}) of cluster ${JSON.stringify(result.cluster_name)}.`,
    )
    return result
  }
}
