import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'
import {flagSourceFlags} from '../../lib/flags/source-flags.js'
import type {SyncResult} from '../../lib/flags/sync.js'

export default class FlagsSync extends BaseCommand<typeof FlagsSync> {
  static override summary =
    'Evaluate LaunchDarkly flags for the environment, every cluster and every replica; store the differences.'
  static override description = `Every synced parameter is evaluated for the environment context; a served value that differs from the current one is stored environment-wide (one equal to the default resets it; one that does not parse is a warning). Then, unless enable_scoped_system_parameters is off, every parameter is evaluated for each cluster (cluster-scoped parameters) and each replica that has a size (replica-scoped parameters). A scoped value is stored as an override only when it differs from the environment-wide value (the value-difference rule); the raw served spelling is stored. Only the differences are written, in one transaction: new and changed overrides, overrides that no longer apply, and rows of dropped objects. Nothing is written when nothing changed. With enable_scoped_system_parameters off every synced override is removed. Manual pins are never touched.

The flag source is --flags-file (a LaunchDarkly flag-data file, evaluated offline) or --sdk-key (live LaunchDarkly); without either, $MZCLUSTER_FLAGS_FILE or $MZCLUSTER_LD_SDK_KEY. $MZCLUSTER_LD_BASE_URI sends SDK traffic to a relay proxy. The SDK key is never printed.

JSON: {dry_run, written, scoped_enabled, environment_id, changes: [{scope, object_id, object_name, name, op (add|update|remove), from, to, reason}], summary: {environment, added, updated, removed}, warnings}.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> --flags-file flags.json --dry-run',
    'MZCLUSTER_LD_SDK_KEY=sdk-… <%= config.bin %> <%= command.id %>',
    "<%= config.bin %> <%= command.id %> --flags-file flags.json --key-map 'enable_eager_delta_joins=optimizer-eager-delta-joins'",
  ]

  static override flags = {
    ...flagSourceFlags,
    'dry-run': Flags.boolean({summary: 'Print the changes; write nothing.'}),
  }

  public async run(): Promise<SyncResult> {
    const {requireFlagSource} = await import('../../lib/flags/source-options.js')
    const {parseKeyMap, openFlagSource} = await import('../../lib/flags/evaluate.js')
    const {REGISTRY} = await import('../../lib/parameters/registry.js')
    const sourceOptions = requireFlagSource({
      flagsFile: this.flags['flags-file'],
      sdkKey: this.flags['sdk-key'],
    })
    const keyMap = this.flags['key-map'] ? parseKeyMap(this.flags['key-map'], REGISTRY) : undefined
    const db = await this.catalog()
    const source = await openFlagSource({
      ...sourceOptions,
      onLog: (level, message) => (level === 'error' ? this.warnLine(`LaunchDarkly: ${message}`) : undefined),
    })
    try {
      const {syncFlags} = await import('../../lib/flags/sync.js')
      const {buildInfo} = await import('../../lib/flags/build-info.js')
      const result = await syncFlags(db, {source, build: buildInfo(), keyMap, dryRun: this.flags['dry-run']})
      for (const warning of result.warnings) this.warnLine(warning)
      if (!this.jsonEnabled()) {
        const {syncLines} = await import('../../lib/flags/render.js')
        for (const line of syncLines(result, this.style)) this.say(line)
      }
      return result
    } finally {
      source.close()
    }
  }
}
