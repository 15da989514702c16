import * as Flags from '@oclif/core/flags'
import {BaseCommand} from '../../base-command.js'

export default class CatalogServe extends BaseCommand<typeof CatalogServe> {
  static override summary = 'Share the embedded catalog over the PostgreSQL wire protocol on loopback.'
  static override description =
    'Holds the embedded catalog open and serves it on 127.0.0.1, so several mzcluster processes (a `run` and your commands) and psql can use it at once through the printed postgres:// URL. Connections share one PGlite session and are queued: an open transaction blocks the others until it ends. Stop with Ctrl-C. For concurrent controllers in production, use a PostgreSQL server.'

  static override examples = [
    '<%= config.bin %> <%= command.id %> --port 55432 &\nexport MZCLUSTER_CATALOG=postgres://postgres@127.0.0.1:55432/postgres\n<%= config.bin %> run &\n<%= config.bin %> cluster alter prod --size 200cc --no-drive',
  ]

  static override flags = {
    port: Flags.integer({summary: 'TCP port on 127.0.0.1.', default: 55432, min: 1, max: 65535}),
  }

  public async run(): Promise<void> {
    // Served from this process: a warm catalog process holding the directory is asked to stop first.
    const {openCatalog} = await import('../../lib/catalog/open.js')
    const db = await openCatalog(this.catalogLocation, {...(await this.catalogOpenOptions()), daemon: false})
    this.adoptCatalog(db)
    const {serveEmbedded} = await import('../../lib/catalog/serve.js')
    const served = await serveEmbedded(db, {port: this.flags.port})
    // Printed at once (not on exit) so a script can read the URL of a server running in the background.
    process.stdout.write(this.jsonEnabled() ? `${JSON.stringify({url: served.url})}\n` : `${served.url}\n`)
    this.note(`Serving ${db.location} on ${served.url} (Ctrl-C to stop).`)
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve)
      process.once('SIGTERM', resolve)
    })
    await served.stop()
    this.note('Stopped serving.')
  }
}
