import * as Flags from '@oclif/core/flags'
import {pictureFlags, TimelineCommand} from '../timeline-command.js'

export default class Simulate extends TimelineCommand<typeof Simulate> {
  static override summary = 'Play the controller forward in virtual time and show what it will do and cost. Writes nothing.'
  static override description = `Starts from the catalog's current state and runs the real controller tick after tick (at cluster_controller_tick_interval, jumping over instants where nothing can change) until --until. Signals are simulated: a new replica is online at once and hydrated after --hydration (default simulated_hydration_delay), or after the cluster's hydration-time estimate where it has one; refresh windows come from the materialized views' refresh schedules; the resource limits apply as in a real tick.

--event 'T ACTION' applies a change at time T (an offset from the start such as +10m, or a timestamp): cluster alter|cancel|create|drop, signal online|hydration|frontier, flags set — parsed and checked as the real command would (a bad event exits 2 before anything runs).

Output: the timed events (plan lines with a time column), each cluster's replica set over time, the credit rate over time, the credits consumed and the peaks against max_replicas_per_cluster and max_credit_consumption_rate; on a terminal a step chart per cluster. --svg and --html write the timeline picture.`

  static override examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --until +7d --cluster prod',
    "<%= config.bin %> <%= command.id %> --event '+10m cluster alter prod --size 400cc' --event '+1h cluster cancel prod'",
    "<%= config.bin %> <%= command.id %> --event '+2h signal frontier daily_revenue --sealed' --hydration 5m",
    '<%= config.bin %> <%= command.id %> --html tomorrow.html --svg tomorrow.svg',
    '<%= config.bin %> <%= command.id %> --json | jq .credits_total',
  ]

  static override flags = {
    until: Flags.string({summary: 'End of the simulation: an offset from the start (default +24h) or a timestamp.', helpValue: 'TIME'}),
    now: Flags.string({summary: 'Start the simulation at this time instead of now (the catalog state is read as it is).', helpValue: 'TIME'}),
    cluster: Flags.string({summary: 'Show only this cluster (repeatable); every cluster is still simulated.', multiple: true, helpValue: 'NAME'}),
    event: Flags.string({summary: "A change at a time, 'T ACTION' (repeatable).", multiple: true, helpValue: "'T ACTION'"}),
    hydration: Flags.string({summary: 'How long a new replica takes to hydrate (default simulated_hydration_delay).', helpValue: 'DURATION'}),
    ...pictureFlags,
  }

  public async run(): Promise<unknown> {
    const [{runSimulate}, {eventCommands}] = await Promise.all([import('../lib/simulate/operation.js'), import('../simulate-event-commands.js')])
    const timeline = await runSimulate(
      await this.catalog(),
      {
        now: this.flags.now,
        until: this.flags.until,
        clusterNames: this.flags.cluster,
        events: this.flags.event,
        hydration: this.flags.hydration,
        onWarning: (warning) => this.warnLine(warning),
      },
      await eventCommands(),
    )
    return this.show(timeline, this.flags)
  }
}
