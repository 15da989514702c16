import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import type {ReplicaStatusJson} from '../../lib/signals/online.js'

export default class SignalOnline extends BaseCommand<typeof SignalOnline> {
  static override summary = 'Report a replica online (or --offline), as an orchestrator would.'
  static override description =
    'Upserts the replica’s row in mzcluster.replica_status (reported_at = now). A replica counts as hydrated only while online. The SQL an orchestrator runs instead is in docs/orchestrator.md.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> prod.r1',
    '<%= config.bin %> <%= command.id %> prod.r1 --offline',
    '<%= config.bin %> <%= command.id %> \'"my.cluster".r1\' --json',
  ]

  static override args = {
    replica: Args.string({
      required: true,
      description: 'CLUSTER.REPLICA (quote a cluster name containing dots: \'"a.b".r1\').',
    }),
  }

  static override flags = {
    offline: Flags.boolean({summary: 'Report the replica offline.'}),
  }

  public async run(): Promise<ReplicaStatusJson[]> {
    const {parseReplicaRef} = await import('../../lib/input/names.js')
    const {reportOnline} = await import('../../lib/signals/online.js')
    const {simulatedSourceWarning} = await import('../../lib/signals/source.js')
    const ref = parseReplicaRef(this.args.replica)
    const db = await this.catalog()
    const row = await reportOnline(db, ref, !this.flags.offline)
    const warning = await simulatedSourceWarning(db)
    if (warning !== null) this.warnLine(warning)
    if (!this.jsonEnabled()) {
      this.note(
        `Reported ${row.cluster_name}.${row.replica_name} (${row.replica_id}) ${row.online ? 'online' : 'offline'}.`,
      )
    }
    return [row]
  }
}
