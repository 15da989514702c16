import {Flags} from '@oclif/core'
import {BaseCommand} from '../../base-command.js'

export default class FlagsInspect extends BaseCommand<typeof FlagsInspect> {
  static override summary =
    'Explore parameters interactively: effective values, every layer, LaunchDarkly evaluation.'
  static override description = `Pick a scope and a cluster or replica (type to search), see every applicable parameter's effective value and each layer, then pick a parameter to see its layers and, with a flag source (--flags-file, --sdk-key, $MZCLUSTER_FLAGS_FILE or $MZCLUSTER_LD_SDK_KEY), the LaunchDarkly evaluation: value, variation, reason and rule, and whether sync would store an override.

Needs a terminal; in scripts use \`mzcluster flags dump --resolved\`.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --flags-file flags.json',
  ]

  static override enableJsonFlag = false

  static override flags = {
    'flags-file': Flags.string({
      summary: 'A LaunchDarkly flag-data JSON file to evaluate against.',
      helpValue: 'FILE',
    }),
    'sdk-key': Flags.string({
      summary: 'A LaunchDarkly server-side SDK key (prefer $MZCLUSTER_LD_SDK_KEY).',
      helpValue: 'KEY',
    }),
    'key-map': Flags.string({
      summary: "PARAMETER=FLAG_KEY pairs separated by ';' (repeatable).",
      helpValue: 'MAP',
      multiple: true,
      env: 'MZCLUSTER_LD_KEY_MAP',
    }),
  }

  public async run(): Promise<void> {
    const {UsageError} = await import('../../lib/errors.js')
    if (!process.stdin.isTTY || !process.stdout.isTTY || process.env.CI) {
      throw new UsageError('flags inspect is interactive; use `mzcluster flags dump --resolved` in scripts', {
        code: 'NOT_A_TERMINAL',
      })
    }
    const {chooseFlagSource} = await import('../../lib/flags/source-options.js')
    const {parseKeyMap, openFlagSource} = await import('../../lib/flags/evaluate.js')
    const {REGISTRY} = await import('../../lib/parameters/registry.js')
    const sourceOptions = chooseFlagSource({
      flagsFile: this.flags['flags-file'],
      sdkKey: this.flags['sdk-key'],
    })
    const keyMap = this.flags['key-map'] ? parseKeyMap(this.flags['key-map'], REGISTRY) : undefined
    const db = await this.catalog()
    const source = sourceOptions === null ? null : await openFlagSource(sourceOptions)
    try {
      const [{runInspector}, {buildInfo}, {select, search}] = await Promise.all([
        import('../../lib/flags/inspect.js'),
        import('../../lib/flags/build-info.js'),
        import('@inquirer/prompts'),
      ])
      const context = {output: process.stderr}
      await runInspector(db, {
        prompts: {
          select: (config) => select({...config, choices: [...config.choices]}, context),
          search: (config) => search({...config, source: (term) => config.source(term)}, context),
        },
        say: (line = '') => process.stdout.write(`${line}\n`),
        printRows: (columns, rows) => this.printRows(columns, rows),
        style: this.style,
        source,
        build: buildInfo(),
        keyMap,
      })
    } finally {
      source?.close()
    }
  }
}
