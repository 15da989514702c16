import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../base-command.js'
import {flagSourceFlags, flagSourceInput} from '../lib/flags/source-flags.js'
import {clusterFlag, detailedExitcodeFlag, nowFlag} from '../lib/ops/tick-flags.js'

export default class Tick extends BaseCommand<typeof Tick> {
  static override summary = "Run the cluster controller's phases once."
  static override description =
    'Phase 1 applies each cluster’s state writes (cut-overs, records) under the compare-and-append guard; phase 2 creates and drops replicas so each cluster matches what its strategies desire. A rejected apply is normal (the cluster changed since it was read): the next tick recomputes, and the exit code stays 0.\n\n--now without --dry-run applies as of that time: deadlines are judged and records, replicas and audit events are written as if it were then, so audit times will be out of order with the rest of the log (said on stderr before applying). It is how to test a deadline; use --dry-run (or `plan --now`) to only look.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --dry-run --now +2h',
    '<%= config.bin %> <%= command.id %> --cluster prod --phase state',
    '<%= config.bin %> <%= command.id %> --json | jq .summary',
  ]

  static override flags = {
    phase: Flags.option({options: ['state', 'replicas', 'all'] as const, default: 'all', summary: 'Which phase(s) to run.'})(),
    cluster: clusterFlag,
    'dry-run': Flags.boolean({summary: 'Show what the tick would do; write nothing (same as `plan`).'}),
    now: nowFlag,
    'detailed-exitcode': detailedExitcodeFlag,
    ...flagSourceFlags,
  }

  public async run(): Promise<unknown> {
    const [{parseNow}, {tick}, {hasChanges, planJson, renderPlan}, {exitCodes}] = await Promise.all([
      import('../lib/input/time.js'),
      import('../lib/ops/tick.js'),
      import('../lib/output/plan.js'),
      import('../lib/errors.js'),
    ])
    const dryRun = this.flags['dry-run']
    const nowMs = this.flags.now === undefined ? undefined : parseNow(this.flags.now, Date.now())
    const db = await this.catalog()
    const {configuredFlags} = await import('../lib/flags/configured.js')
    const createTimeFlags = dryRun ? null : await configuredFlags(flagSourceInput(this.flags))
    if (nowMs !== undefined && !dryRun) {
      this.note(
        `Note: applying as of ${new Date(nowMs).toISOString()} (--now): changes are written as if at that time, and their audit events carry that time, out of order with the rest of the audit log.`,
      )
    }
    const {report, warnings} = await tick(db, {
      phases: this.flags.phase,
      clusterNames: this.flags.cluster,
      dryRun,
      nowMs,
      createTimeFlags,
    }).finally(() => createTimeFlags?.close())
    const mode = dryRun ? 'plan' : 'applied'
    for (const warning of warnings) this.warnLine(warning)
    if (!this.jsonEnabled()) {
      const text = renderPlan(report, {mode, color: this.style.enabled})
      process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
    }
    if (this.flags['detailed-exitcode'] && hasChanges(report)) process.exitCode = exitCodes.changes
    return planJson(report, mode)
  }
}
