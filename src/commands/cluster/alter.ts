import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import {flagSourceFlags, flagSourceInput} from '../../lib/flags/source-flags.js'
import {clusterOptionFlags} from '../../lib/ddl/cluster-flags.js'

export default class ClusterAlter extends BaseCommand<typeof ClusterAlter> {
  static override summary = 'Change a cluster; shape changes reconfigure it gracefully, with zero downtime.'
  static override description = `A change of size, availability zones or introspection settings writes a reconfiguration record: the controller brings up the target replicas next to the old ones and cuts over once they are hydrated (or at the deadline: ROLLBACK by default, COMMIT with --wait-for or --on-timeout commit). Other changes (replication factor, schedule, auto-scaling, feature pins) apply directly. Cancel an in-flight reconfiguration with \`mzcluster cluster cancel NAME\`. A replication factor of 0 turns the cluster off (said on stderr).

Wait modes: none of --wait-for/--timeout → deadline default_cluster_reconfiguration_timeout (24h), ROLLBACK. --wait-for D → deadline D, COMMIT. --timeout D [--on-timeout rollback|commit] → deadline D, ROLLBACK unless told. --timeout 0s --on-timeout commit is an explicit immediate cut-over.

--wait blocks until the record settles (driving the controller for this cluster unless --no-drive); --background returns at once. The default comes from enable_background_alter_cluster (off: wait). On a cluster whose schedule is not manual every change applies directly, and --wait, --timeout, --wait-for and --on-timeout are refused.

--dry-run validates fully and prints the route (graceful, direct, no-op), the target, deadline and on-timeout, and the transient peak (replicas, credits per hour) against both limits; nothing is written. With --json: {"dry_run": true, ...} with the fields of the real command.

Exit codes: 0 done; 2 invalid input (nothing written); 3 waited but the target was not reached (timed out and rolled back, superseded, resource limits).`

  static override examples = [
    '<%= config.bin %> <%= command.id %> prod --size 200cc',
    '<%= config.bin %> <%= command.id %> prod --size 400cc --timeout 30m --on-timeout commit --background',
    '<%= config.bin %> <%= command.id %> prod --size 400cc --dry-run',
    '<%= config.bin %> <%= command.id %> prod --replication-factor 3',
    '<%= config.bin %> <%= command.id %> prod --hydration-size 800cc --linger 10m',
    '<%= config.bin %> <%= command.id %> prod --no-auto-scaling',
    "<%= config.bin %> cluster list --json | jq -r '.[] | select(.builtin | not) | .name' | xargs -I{} <%= config.bin %> <%= command.id %> {} --size 200cc --background",
  ]

  static override args = {name: Args.string({required: true, description: 'Cluster name.'})}

  static override flags = {
    ...clusterOptionFlags,
    'no-auto-scaling': Flags.boolean({
      summary: 'Remove the auto-scaling strategy (RESET AUTO SCALING STRATEGY).',
    }),
    unmanaged: Flags.boolean({
      summary: 'Convert to an unmanaged cluster (its replicas stay; manage them with `replica`).',
    }),
    'wait-for': Flags.string({
      summary: 'Deadline for the reconfiguration; at the deadline cut over (COMMIT).',
      helpValue: 'DURATION',
    }),
    timeout: Flags.string({
      summary: 'Deadline for the reconfiguration; at the deadline roll back unless --on-timeout commit.',
      helpValue: 'DURATION',
    }),
    'on-timeout': Flags.option({
      options: ['rollback', 'commit'] as const,
      summary: 'What happens at the --timeout deadline if the target is not hydrated.',
    })(),
    // The combinations (--wait-for/--timeout, --on-timeout without --timeout, --wait/--background)
    // are refused by parseAlterFlags with one clear line; oclif's own checks print a multi-line
    // message of which only "The following error occurred:" would reach the user.
    wait: Flags.boolean({summary: 'Block until the reconfiguration settles (not with --background).'}),
    background: Flags.boolean({summary: 'Return as soon as the record is written.'}),
    'no-drive': Flags.boolean({summary: 'While waiting, only poll (use when `mzcluster run` is active; not on an embedded catalog opened directly).'}),
    'dry-run': Flags.boolean({summary: 'Validate and describe what would be written (route, target, deadline, peak); write nothing.'}),
    ...flagSourceFlags,
  }

  public async run(): Promise<unknown> {
    this.refuseWatchOnlyOnEmbedded()
    const [{parseAlterFlags}, {alterCluster}, present, {describeTarget}] = await Promise.all([
      import('../../lib/alter/parse.js'),
      import('../../lib/alter/alter.js'),
      import('../../lib/alter/present.js'),
      import('../../lib/alter/wait.js'),
    ])
    const request = parseAlterFlags(this.flags)
    const db = await this.catalog()
    const result = await alterCluster(db, this.args.name, request, {dryRun: this.flags['dry-run']})
    const fields = present.resultFields(result)
    const name = result.clusterName
    if (result.turnsOff) this.note(`Note: ${present.turnsOffNote(name)}.`)
    if (result.dryRun) {
      if (!this.jsonEnabled()) process.stdout.write(`${present.describeDryRun(result)}\n`)
      return present.alterJson(result.row, {...fields, outcome: 'planned'})
    }
    if (result.route === 'unchanged') {
      this.note(`${name}: nothing to change.`)
      return present.alterJson(result.row, {...fields, outcome: 'unchanged'})
    }
    const record = result.row.reconfiguration
    if (result.route !== 'reshape' || result.awaited === null || record === null) {
      this.note(`${name}: altered${result.route === 'to-unmanaged' ? ' (now unmanaged)' : ''}.`)
      return present.alterJson(result.row, {...fields, outcome: 'applied'})
    }
    if (result.transition === 'cancelled') {
      this.note(`${name}: altered back to the realized shape; the in-flight reconfiguration is cancelled.`)
    } else {
      this.note(`${name}: reconfiguring to ${describeTarget(result.awaited)}; deadline ${new Date(record.deadline).toISOString()}, on timeout ${record.on_timeout}.`)
    }
    const {SystemParameters} = await import('../../lib/catalog/parameters.js')
    const background = this.flags.background || (!this.flags.wait && (await SystemParameters.read(db)).bool('enable_background_alter_cluster'))
    if (background) {
      if (result.transition === 'started') this.note(`Running in the background; follow it with \`${present.waitCommand(name)}\`, or cancel it with \`${present.cancelCommand(name)}\`.`)
      return present.alterJson(result.row, {...fields, outcome: result.transition === 'cancelled' ? 'cancelled' : 'written'})
    }
    const {finishWait, waitInTerminal} = await import('../../cli/wait-terminal.js')
    const wait = {clusterId: result.clusterId, clusterName: name, awaiting: {kind: 'target', target: result.awaited} as const, drive: !this.flags['no-drive'], flagSource: flagSourceInput(this.flags)}
    return finishWait(db, wait, await waitInTerminal(db, wait), fields)
  }
}
