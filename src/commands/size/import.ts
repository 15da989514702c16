import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import type {DryRun} from '../../base-command.js'
import {BaseCommand, dryRunFlag} from '../../base-command.js'
import type {SizeImportResult} from '../../lib/sizes/size-map.js'

export default class SizeImport extends BaseCommand<typeof SizeImport> {
  static override summary =
    'Import replica sizes from a JSON file (merged, or replacing the map with --replace).'
  static override description = `Accepts either format:
  - the array that \`size list --json\` prints: [{"name", "family", "workers", "processes", "memory_bytes", "credits_per_hour", "disabled"}] (family and disabled optional);
  - Materialize's --cluster-replica-sizes map: {"<name>": {"workers", "scale", "credits_per_hour", "memory_limit", "family"?, "is_cc"?, "disabled"?}}; scale is the process count, memory_limit a byte count or a string like 8GiB (GB = 10^9 bytes), and the family is "family", else cc when is_cc (default true), else legacy. Other keys are ignored.
Every entry is validated before anything is written; one defect refuses the whole file (exit 2). By default the sizes are merged into the map (added or updated). --replace makes the file the whole map, and is refused if it would remove a size still used by a cluster (size, hydration size, in-flight reconfiguration target, burst) or a replica.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> sizes.json',
    '<%= config.bin %> <%= command.id %> --replace cluster-replica-sizes.json',
    '<%= config.bin %> size list --json | jq \'map(select(.family == "cc"))\' | <%= config.bin %> <%= command.id %> --replace -',
  ]

  static override args = {
    file: Args.string({required: true, description: 'JSON file to read; - reads stdin.'}),
  }

  static override flags = {
    replace: Flags.boolean({
      summary: 'Replace the whole size map with the file (sizes not in it are removed).',
    }),
    ...dryRunFlag,
  }

  public async run(): Promise<SizeImportResult | DryRun<SizeImportResult>> {
    const {parseSizeFile, readSizeSource} = await import('../../lib/sizes/size-file.js')
    const {text, source} = await readSizeSource(this.args.file)
    const sizes = parseSizeFile(text, source)
    const {importSizesStep, sizeImportLine, sizeImportLines} = await import('../../lib/sizes/size-map.js')
    const {previewWrite, runWrite} = await import('../../lib/catalog/write-step.js')
    const step = importSizesStep(sizes, {replace: this.flags.replace})
    if (this.flags['dry-run']) {
      const {result} = await previewWrite(await this.catalog(), step)
      return this.dryRunResult(result, sizeImportLines(result, this.style))
    }
    const result = await runWrite(await this.catalog(), step)
    if (!this.jsonEnabled()) this.note(sizeImportLine(result, {dryRun: false}))
    return result
  }
}
