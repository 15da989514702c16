import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'

export default class CatalogInit extends BaseCommand<typeof CatalogInit> {
  static override summary = 'Create the catalog, or upgrade it to this version of mzcluster.'
  static override description =
    'Idempotent: on an existing catalog it applies missing migrations and leaves data alone. Creates the builtin clusters (mz_system, mz_catalog_server, mz_probe) and the default replica size map. A catalog newer than this mzcluster is refused.'

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --demo',
    '<%= config.bin %> <%= command.id %> --catalog postgres://postgres@127.0.0.1:5432/mzcluster --environment-id aws-us-east-1-2b6f3a0e-7c1d-4c33-9a9e-1f0f3b4b5c6d-0',
  ]

  static override flags = {
    demo: Flags.boolean({summary: 'Also seed a sample environment on simulated signals (skipped if user clusters exist).'}),
    yes: Flags.boolean({
      char: 'y',
      summary: 'Install into a DATABASE_URL database that holds other tables without asking.',
    }),
    'environment-id': Flags.string({
      summary: 'Environment id, <provider>-<region>-<organization uuid>-<ordinal> (default: a new local one).',
    }),
  }

  public async run(): Promise<Record<string, unknown>> {
    const {initCatalog} = await import('../../lib/catalog/open.js')
    const {parseEnvironmentId} = await import('../../lib/flags/contexts.js')
    if (this.flags['environment-id'] !== undefined) parseEnvironmentId(this.flags['environment-id'])
    const location = this.catalogLocation
    const started = Date.now()
    const stopSpinner = this.spin(location.kind === 'embedded' ? `Opening catalog at ${location.dir}` : 'Connecting to the catalog server')
    let result
    try {
      result = await initCatalog(location, {
        ...(await this.catalogOpenOptions()),
        environmentId: this.flags['environment-id'],
        confirmForeignDatabase: async (tables) => {
          if (this.flags.yes) return true
          if (!this.canPrompt) return false
          stopSpinner()
          return this.confirm(
            `DATABASE_URL points at a database with ${tables} other table${tables === 1 ? '' : 's'} and no mzcluster catalog. Install the catalog there (schema mzcluster)?`,
            '--yes',
          )
        },
      })
    } finally {
      stopSpinner()
    }
    this.adoptCatalog(result.db)
    let demo: {clusters: number} | null = null
    if (this.flags.demo) {
      const {seedDemo} = await import('../../lib/demo.js')
      demo = await seedDemo(result.db)
    }
    const elapsedMs = Date.now() - started
    const verb = result.created ? 'Created' : result.fromVersion < result.toVersion ? 'Upgraded' : 'Catalog is current at'
    this.note(
      `${verb} ${result.db.kind} catalog ${result.db.location} (schema version ${result.toVersion}) in ${(elapsedMs / 1000).toFixed(1)}s`,
    )
    if (demo) this.note(demo.clusters > 0 ? `Seeded a demo environment with ${demo.clusters} clusters.` : 'Demo environment already present.')
    return {
      kind: result.db.kind,
      location: result.db.location,
      created: result.created,
      from_version: result.fromVersion,
      schema_version: result.toVersion,
      environment_id: result.environmentId,
      demo_clusters: demo?.clusters ?? 0,
      elapsed_ms: elapsedMs,
    }
  }

  /** A spinner on a terminal, one plain line otherwise; always on stderr. */
  private spin(text: string): () => void {
    if (!process.stderr.isTTY || process.env.CI) {
      return () => {}
    }
    const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']
    let i = 0
    const timer = setInterval(() => process.stderr.write(`\r${frames[i++ % frames.length]} ${text}…`), 80)
    return () => {
      clearInterval(timer)
      process.stderr.write('\r\x1b[2K')
    }
  }
}
