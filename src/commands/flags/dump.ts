import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import type {DumpRow} from '../../lib/flags/dump.js'

export default class FlagsDump extends BaseCommand<typeof FlagsDump> {
  static override summary =
    'Show stored parameter values, or with --resolved the effective value of every parameter.'
  static override description = `Stored rows come from three layers: environment (environment-wide values), manual (pins set with \`flags set --cluster/--replica\` or CREATE CLUSTER … FEATURES) and synced (overrides written by \`flags sync\`). With --resolved, every parameter that applies to each selected object is shown with its effective value and the layer it came from; precedence, lowest first: default < environment < manual < synced.

Selection: no option selects everything; --scope narrows to one scope; --cluster C selects that cluster (with --scope replica, its replicas); --replica C.R one replica.

--format env prints NAME=value lines (values quoted for the shell) for exactly one object: --scope environment, --cluster C or --replica C.R.

JSON: an array of {scope, object_id, object_name, name, value, layer}; resolved rows add layers {default, environment?, manual?, synced?}. object_name is the cluster name, or CLUSTER.REPLICA for a replica.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --resolved --cluster prod',
    '<%= config.bin %> <%= command.id %> --resolved --replica prod.r1 --json | jq \'.[] | select(.layer != "default")\'',
    'eval "$(<%= config.bin %> <%= command.id %> --resolved --scope environment --format env)"',
  ]

  static override flags = {
    scope: Flags.option({options: ['environment', 'cluster', 'replica'] as const})({
      summary: 'Only this scope.',
    }),
    cluster: Flags.string({
      summary: 'Only this cluster (or its replicas with --scope replica).',
      helpValue: 'CLUSTER',
    }),
    replica: Flags.string({summary: 'Only this replica, as CLUSTER.REPLICA.', helpValue: 'CLUSTER.REPLICA'}),
    resolved: Flags.boolean({
      summary: 'Effective values of every applicable parameter, with the layer each came from.',
    }),
    format: Flags.option({options: ['table', 'env'] as const, default: 'table' as const})({
      summary: 'table (TSV when piped) or env (NAME=value lines for one object).',
    }),
  }

  public async run(): Promise<DumpRow[]> {
    const {dumpFlags, envLines, isSingleObject} = await import('../../lib/flags/dump.js')
    const {UsageError} = await import('../../lib/errors.js')
    let replica
    if (this.flags.replica !== undefined) {
      const {parseReplicaRef} = await import('../../lib/input/names.js')
      replica = parseReplicaRef(this.flags.replica)
    }
    const selection = {scope: this.flags.scope, cluster: this.flags.cluster, replica}
    if (this.flags.format === 'env' && this.jsonEnabled()) {
      throw new UsageError('--format env and --json choose two different outputs', {
        code: 'INVALID_USAGE',
        hint: 'use --json for a JSON document, or --format env for NAME=value lines',
      })
    }
    const env = this.flags.format === 'env'
    if (env && !isSingleObject(selection)) {
      throw new UsageError('--format env prints the parameters of one object', {
        code: 'INVALID_USAGE',
        hint: 'add --scope environment, --cluster CLUSTER or --replica CLUSTER.REPLICA',
      })
    }
    const rows = await dumpFlags(await this.catalog(), selection, {resolved: this.flags.resolved})
    if (env) {
      for (const line of envLines(rows)) this.say(line)
    } else if (!this.jsonEnabled()) {
      const {DUMP_COLUMNS, dumpTableRow} = await import('../../lib/flags/render.js')
      this.printRows(DUMP_COLUMNS, rows.map(dumpTableRow))
    }
    return rows
  }
}
