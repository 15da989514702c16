import * as Args from '@oclif/core/args'
import * as Flags from '@oclif/core/flags'
import type {DryRun} from '../../base-command.js'
import {BaseCommand, dryRunFlag} from '../../base-command.js'
import type {ObjectJson} from '../../lib/objects/types.js'
import {OBJECT_TYPES} from '../../lib/objects/types.js'

export default class ObjectCreate extends BaseCommand<typeof ObjectCreate> {
  static override summary =
    'Create an object (index, materialized view, source, sink, webhook source) on a cluster.'
  static override description = `Objects decide when a replica counts as hydrated: every index, materialized view, source and sink of the cluster must be hydrated on it (webhook sources excluded), except objects pinned to another replica with --replica.
Materialized views may carry a refresh schedule (for on-refresh clusters): --refresh-every D [--aligned-to T] (aligned to the creation time by default, as in Materialize) and any number of --refresh-at T. Times are ISO-8601 with a zone, epoch milliseconds, or an offset from now such as +1h. Without refresh options a materialized view refreshes on commit.
Objects may be created on builtin clusters too (Materialize keeps its introspection indexes there); the controller never reconciles those clusters.`

  static override examples = [
    '<%= config.bin %> <%= command.id %> orders_idx --cluster prod --type index',
    '<%= config.bin %> <%= command.id %> daily_totals --cluster reporting --type materialized-view --refresh-every 1d --aligned-to 2026-01-01T03:00:00Z',
    '<%= config.bin %> <%= command.id %> eom --cluster reporting --type materialized-view --refresh-at 2026-01-31T23:00:00Z --refresh-at 2026-02-28T23:00:00Z',
    '<%= config.bin %> <%= command.id %> pinned_mv --cluster prod --type materialized-view --replica r1 --json',
  ]

  static override args = {
    name: Args.string({required: true, description: 'Object name (unique; any non-empty string).'}),
  }

  static override flags = {
    cluster: Flags.string({required: true, summary: 'Cluster the object is bound to.'}),
    type: Flags.option({options: OBJECT_TYPES, required: true, summary: 'Object type.'})(),
    'refresh-every': Flags.string({summary: 'Materialized views: refresh periodically, e.g. 1h or 1d.'}),
    'aligned-to': Flags.string({
      summary: 'With --refresh-every: a refresh time the period is aligned to (default: now).',
    }),
    'refresh-at': Flags.string({
      multiple: true,
      summary: 'Materialized views: refresh at this time (repeatable).',
    }),
    replica: Flags.string({summary: 'Pin the object to this replica of the cluster (IN CLUSTER … REPLICA).'}),
    ...dryRunFlag,
  }

  public async run(): Promise<ObjectJson | DryRun<Omit<ObjectJson, 'id'> & {id: null}>> {
    const {createObjectStep, newObject, plannedObject} = await import('../../lib/objects/objects.js')
    const {previewWrite, runWrite} = await import('../../lib/catalog/write-step.js')
    const {flags} = this
    // Validated before the catalog is opened: a bad option costs nothing.
    const spec = newObject({
      name: this.args.name,
      cluster: flags.cluster,
      type: flags.type,
      replica: flags.replica,
      refresh: {every: flags['refresh-every'], alignedTo: flags['aligned-to'], ats: flags['refresh-at']},
    })
    const {objectCreatedLine, objectCreateLines} = await import('../../lib/objects/render.js')
    const step = createObjectStep(spec)
    if (flags['dry-run']) {
      const planned = plannedObject(await previewWrite(await this.catalog(), step))
      return this.dryRunResult(planned, objectCreateLines(planned, this.style))
    }
    const object = await runWrite(await this.catalog(), step)
    if (!this.jsonEnabled()) this.note(objectCreatedLine(object))
    return object
  }
}
