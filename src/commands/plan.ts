import {BaseCommand} from '../base-command.js'
import {clusterFlag, detailedExitcodeFlag, nowFlag} from '../lib/ops/tick-flags.js'

export default class Plan extends BaseCommand<typeof Plan> {
  static override summary = 'Preview what the next tick would write, create and drop. Writes nothing.'
  static override description =
    'Runs both phases of a tick against an in-memory overlay of the catalog, so the replica preview reflects the state writes of phase 1 exactly as a real tick would.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --now 2026-11-23T09:00:00Z',
    '<%= config.bin %> <%= command.id %> --cluster prod --detailed-exitcode || echo "changes pending"',
    '<%= config.bin %> <%= command.id %> --json | jq ".clusters[] | {cluster_name, creates}"',
  ]

  static override flags = {
    cluster: clusterFlag,
    now: nowFlag,
    'detailed-exitcode': detailedExitcodeFlag,
  }

  public async run(): Promise<unknown> {
    const [{parseNow}, {tick}, {hasChanges, planJson, renderPlan}, {exitCodes}] = await Promise.all([
      import('../lib/input/time.js'),
      import('../lib/ops/tick.js'),
      import('../lib/output/plan.js'),
      import('../lib/errors.js'),
    ])
    const nowMs = this.flags.now === undefined ? undefined : parseNow(this.flags.now, Date.now())
    const {report, warnings} = await tick(await this.catalog(), {phases: 'all', clusterNames: this.flags.cluster, dryRun: true, nowMs})
    for (const warning of warnings) this.warnLine(warning)
    if (!this.jsonEnabled()) {
      const text = renderPlan(report, {mode: 'plan', color: this.style.enabled})
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
    }
    if (this.flags['detailed-exitcode'] && hasChanges(report)) process.exitCode = exitCodes.changes
    return planJson(report, 'plan')
  }
}
