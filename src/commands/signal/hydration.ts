import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import type {HydrationJson} from '../../lib/signals/hydration.js'

export default class SignalHydration extends BaseCommand<typeof SignalHydration> {
  static override summary = 'Report objects hydrated (or --not-hydrated) on a replica.'
  static override description =
    'Upserts rows of mzcluster.object_hydration (reported_at = now) for the named objects, which must be bound to the replica’s cluster, or without --object for every object of the cluster. A replica is hydrated when it is online and every index, materialized view, source and sink of its cluster is hydrated on it (webhook sources excluded; objects pinned to another replica excluded).'

  static override examples = [
    '<%= config.bin %> <%= command.id %> prod.r1',
    '<%= config.bin %> <%= command.id %> prod.r2 --object orders_idx --object totals_mv',
    '<%= config.bin %> <%= command.id %> prod.r2 --object orders_idx --not-hydrated --json',
  ]

  static override args = {
    replica: Args.string({required: true, description: 'CLUSTER.REPLICA.'}),
  }

  static override flags = {
    object: Flags.string({
      multiple: true,
      summary: 'Object to report (repeatable; default: every object of the cluster).',
    }),
    'not-hydrated': Flags.boolean({summary: 'Report the objects not hydrated.'}),
  }

  public async run(): Promise<HydrationJson[]> {
    const {parseReplicaRef} = await import('../../lib/input/names.js')
    const {reportHydration} = await import('../../lib/signals/hydration.js')
    const {simulatedSourceWarning} = await import('../../lib/signals/source.js')
    const ref = parseReplicaRef(this.args.replica)
    const db = await this.catalog()
    const hydrated = !this.flags['not-hydrated']
    const rows = await reportHydration(db, ref, {objects: this.flags.object, hydrated})
    const warning = await simulatedSourceWarning(db)
    if (warning !== null) this.warnLine(warning)
    if (rows.length === 0) {
      this.warnLine(`cluster ${JSON.stringify(ref.cluster)} has no objects: nothing reported.`)
    } else if (!this.jsonEnabled()) {
      const [first] = rows as [HydrationJson]
      const what = rows.length === 1 ? first.object_name : `${rows.length} objects`
      this.note(
        `Reported ${what} ${hydrated ? 'hydrated' : 'not hydrated'} on ${first.cluster_name}.${first.replica_name} (${first.replica_id}).`,
      )
    }
    return rows
  }
}
