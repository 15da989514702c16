import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../base-command.js'
import type {AuditEntry} from '../lib/ddl/audit-log.js'
import {AUDIT_KINDS, DEFAULT_AUDIT_LIMIT} from '../lib/ddl/audit-log.js'

export default class Audit extends BaseCommand<typeof Audit> {
  static override summary = 'Show the audit log, oldest first, the latest events last.'
  static override description = `Every catalog write that creates, drops or alters a cluster, replica or object is recorded in the same transaction as the change.

--kind takes an event type (create, drop, alter), an object type (cluster, cluster-replica, object, system-parameter, replica-size), or a lifecycle: reconfiguration (graceful-reconfiguration transitions: started, finalized, timed-out, cancelled, resource-exhausted) or burst (hydration-burst started/finished). Repeat it to match any of several kinds.

--cluster matches events by cluster name or id, including events of clusters since dropped.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --cluster prod --since -1h',
    '<%= config.bin %> <%= command.id %> --kind reconfiguration --limit 20',
    "<%= config.bin %> <%= command.id %> --kind cluster-replica --json | jq -r '.[] | [.event_type, .details.replica_name, .details.reason] | @tsv'",
  ]

  static override flags = {
    cluster: Flags.string({
      char: 'c',
      summary: 'Only events of this cluster (name or id).',
      helpValue: 'NAME',
    }),
    since: Flags.string({
      summary: 'Only events at or after this time: ISO-8601 with a zone, epoch ms, or an offset such as -1h.',
      helpValue: 'TIME',
    }),
    kind: Flags.option({options: AUDIT_KINDS, multiple: true})({
      summary: 'Only events of this kind (repeatable; see the description).',
    }),
    limit: Flags.string({
      summary: `Keep the latest N matching events (default ${DEFAULT_AUDIT_LIMIT}; 0 for all).`,
      helpValue: 'N',
    }),
  }

  public async run(): Promise<AuditEntry[]> {
    const {countAuditLog, parseAuditLimit, readAuditLog} = await import('../lib/ddl/audit-log.js')
    const {parseNow} = await import('../lib/input/time.js')
    const sinceMs = this.flags.since === undefined ? undefined : parseNow(this.flags.since, Date.now())
    const limit = this.flags.limit === undefined ? DEFAULT_AUDIT_LIMIT : parseAuditLimit(this.flags.limit)
    const db = await this.catalog()
    const query = {cluster: this.flags.cluster, sinceMs, kinds: this.flags.kind, limit}
    const entries = await readAuditLog(db, query)
    if (limit > 0 && entries.length === limit) {
      const total = await countAuditLog(db, query)
      if (total > limit) this.note(`showing the latest ${limit} of ${total} events; --limit 0 for all`)
    }
    if (!this.jsonEnabled()) {
      const {AUDIT_COLUMNS, auditRows} = await import('../lib/ddl/render.js')
      this.printRows(AUDIT_COLUMNS, auditRows(entries))
    }
    return entries
  }
}
