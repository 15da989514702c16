import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import type {Escaped} from '../../lib/flags/inspect.js'

export default class FlagsInspect extends BaseCommand<typeof FlagsInspect> {
  static override summary =
    'Explore parameters interactively: effective values, every layer, LaunchDarkly evaluation.'
  static override description = `Pick a scope and a cluster or replica (type to search), see every applicable parameter's effective value and each layer, then pick a parameter to see its layers and, with a flag source (--flags-file, --sdk-key, $MZCLUSTER_FLAGS_FILE or $MZCLUSTER_LD_SDK_KEY), the LaunchDarkly evaluation: value, variation, reason and rule, and whether sync would store an override.

One line per parameter (name, effective value, layer), the selected one's layers below the list; Enter shows its detail, Esc goes back a step, Ctrl-C leaves.

Needs a terminal; in scripts use \`mzcluster flags dump --resolved\` (\`--json\` for a document).`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --flags-file flags.json',
  ]

  static override enableJsonFlag = false

  static override flags = {
    // Only to refuse it with a pointer to the command that has it.
    json: Flags.boolean({hidden: true}),
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
    if (this.flags.json) {
      throw new UsageError('flags inspect is interactive and has no --json', {
        code: 'INVALID_USAGE',
        hint: 'use `mzcluster flags dump --resolved --json` (with --cluster or --replica for one object)',
      })
    }
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
      const [{runInspector, ESCAPED}, {buildInfo}, {select, search}] = await Promise.all([
        import('../../lib/flags/inspect.js'),
        import('../../lib/flags/build-info.js'),
        import('@inquirer/prompts'),
      ])
      /**
       * Runs one prompt; Esc resolves it to ESCAPED. readline reports a lone Esc as an `escape`
       * keypress once it is sure no escape sequence (an arrow key) follows.
       */
      const escapable = async <V>(prompt: (signal: AbortSignal) => Promise<V>): Promise<V | Escaped> => {
        const controller = new AbortController()
        const onKeypress = (_: unknown, key: {name?: string} | undefined) => {
          if (key?.name === 'escape') controller.abort()
        }
        process.stdin.on('keypress', onKeypress)
        try {
          return await prompt(controller.signal)
        } catch (error) {
          if (controller.signal.aborted && (error as Error).name === 'AbortPromptError') return ESCAPED as Escaped
          throw error
        } finally {
          process.stdin.removeListener('keypress', onKeypress)
        }
      }
      const context = (signal: AbortSignal) => ({output: process.stderr, signal})
      // The prompts' key help, with the key they do not know about.
      const theme = {
        style: {
          keysHelpTip: (keys: [string, string][]) =>
            this.errStyle.dim([...keys, ['esc', 'back']].map(([key, action]) => `${key} ${action}`).join(' • ')),
        },
      }
      await runInspector(db, {
        prompts: {
          select: (config) => escapable((signal) => select({...config, choices: [...config.choices], theme}, context(signal))),
          search: (config) =>
            escapable((signal) => search({...config, source: (term) => config.source(term), theme}, context(signal))),
        },
        say: (line = '') => process.stdout.write(`${line}\n`),
        width: process.stdout.columns || 80,
        rows: process.stdout.rows || 24,
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
