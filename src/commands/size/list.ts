import {BaseCommand} from '../../base-command.js'
import type {SizeJson} from '../../lib/sizes/size-map.js'

export default class SizeList extends BaseCommand<typeof SizeList> {
  static override summary = 'List the replica size map.'
  static override description =
    'Every size a cluster or replica can use, in the map’s order: family, workers per process, processes, memory and credits per hour. Disabled sizes stay listed (existing replicas keep them) but cannot be chosen for new ones.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --json > sizes.json',
    "<%= config.bin %> <%= command.id %> | awk -F'\\t' '$2 == \"cc\" {print $1}'",
  ]

  public async run(): Promise<SizeJson[]> {
    const db = await this.catalog()
    const {listSizes} = await import('../../lib/sizes/size-map.js')
    const {formatMemory} = await import('../../lib/sizes/memory.js')
    const sizes = await listSizes(db)
    this.printRows(
      [
        {key: 'name', header: 'NAME'},
        {key: 'family', header: 'FAMILY'},
        {key: 'workers', header: 'WORKERS', align: 'right'},
        {key: 'processes', header: 'PROCESSES', align: 'right'},
        {key: 'memory', header: 'MEMORY', align: 'right'},
        {key: 'credits_per_hour', header: 'CREDITS/H', align: 'right'},
        {key: 'disabled', header: 'DISABLED'},
      ],
      sizes.map((size) => ({...size, memory: formatMemory(size.memory_bytes)})),
    )
    return sizes
  }
}
