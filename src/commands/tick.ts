import {Flags} from '@oclif/core'
import {BaseCommand} from '../base-command.js'
import {flagSourceFlags, flagSourceInput} from '../lib/flags/source-flags.js'
import {clusterFlag, detailedExitcodeFlag, nowFlag} from '../lib/ops/tick-flags.js'

export default class Tick extends BaseCommand<typeof Tick> {
  static override summary = "Run the cluster controller's phases once."
  static override description =
    'Phase 1 applies each cluster’s state writes (cut-overs, records) under the compare-and-append guard; phase 2 creates and drops replicas so each cluster matches what its strategies desire. A rejected apply is normal (the cluster changed since it was read): the next tick recomputes, and the exit code stays 0.'

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
    const {runTickCommand} = await import('../lib/ops/tick-command.js')
    const {configuredFlags} = await import('../lib/flags/configured.js')
    const createTimeFlags = this.flags['dry-run'] ? null : await configuredFlags(flagSourceInput(this.flags))
    return runTickCommand({json: this.jsonEnabled(), color: this.style.enabled}, await this.catalog(), {
      createTimeFlags,
      phases: this.flags.phase,
      clusterNames: this.flags.cluster,
      dryRun: this.flags['dry-run'],
      now: this.flags.now,
      detailedExitcode: this.flags['detailed-exitcode'],
    }).finally(() => createTimeFlags?.close())
  }
}
