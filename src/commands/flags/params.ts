import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import type {ParamRow} from '../../lib/flags/render.js'

export default class FlagsParams extends BaseCommand<typeof FlagsParams> {
  static override summary = 'List every system parameter the tool knows: scope, type, default.'
  static override description = `The scope says where a parameter may differ: environment (one value for the whole environment), cluster (per cluster, the same on every replica of it) or replica (per replica).

JSON: an array of {name, scope, type, default, description}.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --scope replica',
    '<%= config.bin %> <%= command.id %> --json | jq -r \'.[] | select(.scope == "cluster") | .name\'',
  ]

  static override flags = {
    scope: Flags.option({options: ['environment', 'cluster', 'replica'] as const})({
      summary: 'Only parameters of this scope.',
    }),
  }

  public async run(): Promise<ParamRow[]> {
    const {listParameters} = await import('../../lib/parameters/registry.js')
    const {PARAM_COLUMNS, paramRow} = await import('../../lib/flags/render.js')
    const rows = listParameters(this.flags.scope).map(paramRow)
    this.printRows(PARAM_COLUMNS, rows)
    return rows
  }
}
