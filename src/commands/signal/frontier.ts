import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import type {FrontierJson} from '../../lib/signals/frontier.js'

export default class SignalFrontier extends BaseCommand<typeof SignalFrontier> {
  static override summary = 'Report a materialized view’s write frontier (--upper T) or that it is sealed.'
  static override description =
    'Upserts the view’s row in mzcluster.object_frontiers (reported_at = now). The on-refresh strategy keeps a cluster on while a refresh materialized view’s frontier is behind now + the hydration time estimate, or it is still compacting after a refresh; a sealed view (no more refreshes) never needs one. T is an ISO-8601 time with a zone, epoch milliseconds, or an offset from now such as +1h. The latest report wins.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> daily_totals --upper 2026-01-02T03:00:00Z',
    '<%= config.bin %> <%= command.id %> daily_totals --upper +10m',
    '<%= config.bin %> <%= command.id %> eom --sealed --json',
  ]

  static override args = {
    object: Args.string({required: true, description: 'Materialized view name.'}),
  }

  static override flags = {
    upper: Flags.string({summary: 'The write frontier: the time up to which the view is complete.'}),
    sealed: Flags.boolean({summary: 'The frontier is empty: the view will never refresh again.'}),
  }

  public async run(): Promise<FrontierJson[]> {
    const {parseFrontierReport, reportFrontier} = await import('../../lib/signals/frontier.js')
    const {simulatedSourceWarning} = await import('../../lib/signals/source.js')
    const nowMs = Date.now()
    const report = parseFrontierReport(this.flags, nowMs)
    const db = await this.catalog()
    const row = await reportFrontier(db, this.args.object, report, nowMs)
    const warning = await simulatedSourceWarning(db)
    if (warning !== null) this.warnLine(warning)
    if (!this.jsonEnabled()) {
      const {formatTimestamp} = await import('../../lib/output/time.js')
      const state = row.write_frontier === null ? 'sealed' : `at ${formatTimestamp(row.write_frontier)}`
      this.note(`Reported the write frontier of ${row.object_name} (${row.object_id}) ${state}.`)
    }
    return [row]
  }
}
