import * as Flags from '@oclif/core/flags'
import {pictureFlags, TimelineCommand} from '../timeline-command.js'

export default class History extends TimelineCommand<typeof History> {
  static override summary = 'Show what the controller did over a past window, and what it cost, from the audit log.'
  static override description = `The same views as \`simulate\`, for the past: the timed events, each cluster's replica set over time (every replica's lifetime from its create to its drop event, with size and reason), the credit rate over time, the credits consumed (lifetime × credits per hour) and the peaks against max_replicas_per_cluster and max_credit_consumption_rate. Reconfigurations and bursts appear as spans in the --svg/--html picture.

Put yesterday and tomorrow side by side: \`history --since -24h\` and \`simulate --until +24h\`.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --cluster prod --since -7d',
    '<%= config.bin %> <%= command.id %> --since 2026-11-29T00:00:00Z --until 2026-11-30T00:00:00Z --html yesterday.html',
    '<%= config.bin %> <%= command.id %> --json | jq .credits_total',
  ]

  static override flags = {
    cluster: Flags.string({summary: 'Only this cluster (name or id; dropped clusters too).', helpValue: 'NAME'}),
    since: Flags.string({summary: 'Start of the window: a timestamp or an offset such as -24h (default: 24h before --until).', helpValue: 'TIME'}),
    until: Flags.string({summary: 'End of the window (default now).', helpValue: 'TIME'}),
    ...pictureFlags,
  }

  public async run(): Promise<unknown> {
    const {runHistory} = await import('../lib/simulate/operation.js')
    const timeline = await runHistory(await this.catalog(), {cluster: this.flags.cluster, since: this.flags.since, until: this.flags.until})
    return this.show(timeline, this.flags)
  }
}
