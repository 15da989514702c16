import {Args, Flags} from '@oclif/core'
import {BaseCommand} from '../../base-command.js'

export default class ClusterWait extends BaseCommand<typeof ClusterWait> {
  static override summary =
    'Wait for an in-flight reconfiguration to settle (after --background or an interrupted wait).'
  static override description =
    'Same outcomes and exit codes as `cluster alter --wait`: 0 when the reconfiguration finalized (or was cancelled back to the realized shape), 3 when it timed out and rolled back, was superseded, or ran out of resources. --timeout bounds only how long this command waits: past it, exit 3 with "still in progress" while the reconfiguration continues.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> prod',
    '<%= config.bin %> <%= command.id %> prod --timeout 10m --no-drive',
  ]

  static override args = {name: Args.string({required: true, description: 'Cluster name.'})}

  static override flags = {
    timeout: Flags.string({
      summary: 'Stop waiting after this long (the reconfiguration goes on).',
      helpValue: 'DURATION',
    }),
    'no-drive': Flags.boolean({
      summary: 'Only poll; do not tick the controller (use when `mzcluster run` is active).',
    }),
  }

  public async run(): Promise<unknown> {
    const {runWait} = await import('../../lib/alter/command.js')
    return runWait(await this.catalog(), this.args.name, this.flags, {
      json: this.jsonEnabled(),
      say: (line) => this.say(line),
      note: (line) => this.note(line),
    })
  }
}
