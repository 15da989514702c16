import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import {flagSourceFlags, flagSourceInput} from '../../lib/flags/source-flags.js'

export default class ClusterCancel extends BaseCommand<typeof ClusterCancel> {
  static override summary = 'Cancel the in-flight reconfiguration of a cluster and drop its target replicas.'
  static override description = `Ends the in-progress reconfiguration exactly as an alter back to the realized shape does: the record becomes cancelled (audit transition cancelled) and the config stays at the realized shape, whatever the target's replication factor. The next tick drops the replicas that were brought up for the target; like a foreground alter, the command then drives ticks for this cluster until they are gone (--no-drive: only watch, for when \`mzcluster run\` is active; --background: return at once).

Exit codes: 0 cancelled (and the in-flight replicas dropped, unless --background); 2 the cluster has no reconfiguration in progress, or invalid input (nothing written); 3 --timeout passed before the replicas were dropped (the cancellation stands), or a later alter started a new reconfiguration meanwhile.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> prod',
    '<%= config.bin %> <%= command.id %> prod --dry-run',
    '<%= config.bin %> <%= command.id %> prod --background --json',
  ]

  static override args = {name: Args.string({required: true, description: 'Cluster name.'})}

  static override flags = {
    background: Flags.boolean({summary: 'Return as soon as the cancellation is written; the next tick drops the replicas.'}),
    'no-drive': Flags.boolean({summary: 'Only poll until the replicas are dropped (use when `mzcluster run` is active; not on an embedded catalog opened directly).'}),
    timeout: Flags.string({summary: 'Stop waiting after this long (the cancellation stands).', helpValue: 'DURATION'}),
    'dry-run': Flags.boolean({summary: 'Validate and describe what would be written and dropped; write nothing.'}),
    ...flagSourceFlags,
  }

  public async run(): Promise<unknown> {
    const [{UsageError}, {parseDuration}, {cancelReconfiguration}, present, {describeTarget}] = await Promise.all([
      import('../../lib/errors.js'),
      import('../../lib/input/duration.js'),
      import('../../lib/alter/alter.js'),
      import('../../lib/alter/present.js'),
      import('../../lib/alter/wait.js'),
    ])
    if (this.flags.background && this.flags['no-drive']) {
      throw new UsageError('--background and --no-drive are alternatives: --background returns at once, --no-drive waits without ticking', {code: 'INVALID_OPTIONS'})
    }
    this.refuseWatchOnlyOnEmbedded()
    const maxWaitMs = this.flags.timeout === undefined ? undefined : parseDuration(this.flags.timeout)
    const db = await this.catalog()
    const result = await cancelReconfiguration(db, this.args.name, {dryRun: this.flags['dry-run']})
    const fields = {...present.resultFields(result), cancelled_target: result.cancelledTarget, in_flight_replicas: result.inFlightReplicas}
    const name = result.clusterName
    if (result.dryRun) {
      if (!this.jsonEnabled()) process.stdout.write(`${present.describeDryRun(result, result.inFlightReplicas)}\n`)
      return present.alterJson(result.row, {...fields, outcome: 'planned'})
    }
    this.note(`${name}: reconfiguration to ${describeTarget(result.cancelledTarget)} cancelled; the cluster stays at ${describeTarget(result.row.reconfiguration?.target ?? result.cancelledTarget)}.`)
    const {SystemParameters} = await import('../../lib/catalog/parameters.js')
    const controllerEnabled = (await SystemParameters.read(db)).bool('enable_cluster_controller')
    if (result.inFlightReplicas.length === 0 || this.flags.background || !controllerEnabled) {
      const replicas = result.inFlightReplicas.join(', ')
      if (replicas && controllerEnabled) this.note(`${name}: the next tick drops ${replicas}.`)
      if (replicas && !controllerEnabled) this.note(`${name}: enable_cluster_controller is off; ${replicas} stay until it is on again.`)
      return present.alterJson(result.row, {...fields, outcome: result.inFlightReplicas.length === 0 ? 'cancelled' : 'written'})
    }
    const {finishWait, waitInTerminal} = await import('../../cli/wait-terminal.js')
    const wait = {clusterId: result.clusterId, clusterName: name, awaiting: {kind: 'retirement', cancelled: result.cancelledTarget} as const, drive: !this.flags['no-drive'], flagSource: flagSourceInput(this.flags), maxWaitMs}
    return finishWait(db, wait, await waitInTerminal(db, wait), fields)
  }
}
