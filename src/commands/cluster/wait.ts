import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import {flagSourceFlags, flagSourceInput} from '../../lib/flags/source-flags.js'

export default class ClusterWait extends BaseCommand<typeof ClusterWait> {
  static override summary =
    'Wait for an in-flight reconfiguration to settle (after --background or an interrupted wait).'
  static override description =
    'Same outcomes and exit codes as `cluster alter --wait`: 0 when the reconfiguration finalized (or was cancelled back to the realized shape), 3 when it timed out and rolled back, was superseded, or ran out of resources. --timeout bounds only how long this command waits: past it, exit 3 with "still in progress" while the reconfiguration continues. Without --no-drive the command ticks the cluster itself; with --no-drive it only watches, and says so when no `mzcluster run` holds the lease (then nothing progresses); on an embedded catalog opened directly --no-drive is refused, since this command holds the catalog while it waits.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> prod',
    '<%= config.bin %> <%= command.id %> prod --timeout 10m --no-drive',
  ]

  static override args = {name: Args.string({required: true, description: 'Cluster name.'})}

  static override flags = {
    timeout: Flags.string({
      summary: 'Stop waiting after this long (the reconfiguration goes on).',
      helpValue: 'DURATION',
    }),
    'no-drive': Flags.boolean({
      summary: 'Only poll; do not tick the controller (use when `mzcluster run` is active; not on an embedded catalog opened directly).',
    }),
    ...flagSourceFlags,
  }

  public async run(): Promise<unknown> {
    this.refuseWatchOnlyOnEmbedded()
    const [{parseDuration}, {findCluster}, {alterJson}, {describeTarget, judge}] = await Promise.all([
      import('../../lib/input/duration.js'),
      import('../../lib/catalog/lookup.js'),
      import('../../lib/alter/present.js'),
      import('../../lib/alter/wait.js'),
    ])
    const maxWaitMs = this.flags.timeout === undefined ? undefined : parseDuration(this.flags.timeout)
    const db = await this.catalog()
    const row = await findCluster(db, this.args.name)
    const fields = {cluster_id: row.id, cluster_name: row.name}
    const record = row.reconfiguration
    if (!row.managed || record === null) {
      this.note(`${row.name}: no reconfiguration to wait for.`)
      return alterJson(row, {...fields, outcome: 'none'})
    }
    const {finishWait, waitInTerminal} = await import('../../cli/wait-terminal.js')
    const wait = {clusterId: row.id, clusterName: row.name, awaiting: {kind: 'target', target: record.target} as const, drive: !this.flags['no-drive'], flagSource: flagSourceInput(this.flags), maxWaitMs}
    if (record.status !== 'in-progress') {
      // Report how the latest reconfiguration ended, with the same exit codes as a wait.
      return finishWait(db, wait, judge(row, record.target) ?? {kind: 'succeeded', how: 'realized', row}, fields)
    }
    this.note(`${row.name}: waiting for the reconfiguration to ${describeTarget(record.target)} (deadline ${new Date(record.deadline).toISOString()}).`)
    return finishWait(db, wait, await waitInTerminal(db, wait), fields)
  }
}
