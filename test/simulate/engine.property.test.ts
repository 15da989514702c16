// The event-driven simulation equals ticking every cluster at every cluster_controller_tick_interval
// over the horizon, on random catalogs, states and events. The last test breaks the wake-up rule
// (hydration completions are not wake-ups) and expects fast-check to find a counterexample, so the
// property is shown to be able to fail.

import fc from 'fast-check'
import {describe, expect, it} from 'vitest'
import {nextWakeup, simulate, type SimulationOptions} from '../../src/lib/simulate/engine.js'
import type {ScheduledEvent} from '../../src/lib/simulate/events.js'
import {parseEvents} from '../../src/lib/simulate/operation.js'
import {timelineJson} from '../../src/lib/simulate/timeline.js'
import {SimWorld} from '../../src/lib/simulate/world.js'
import {eventCommands} from '../../src/simulate-event-commands.js'
import {snapshotOf, START, worldArb, type WorldSpec} from './worlds.js'

const SEED = 20_261_130
const RUNS = 120
const HORIZON_MS = 90 * 60_000

const eventArb = fc.oneof(
  fc.tuple(fc.integer({min: 0, max: 80}), fc.integer({min: 1, max: 4}), fc.constantFrom('100cc', '200cc', '400cc')).map(
    ([minute, cluster, size]) => `+${minute}m cluster alter c${cluster} --size ${size} --timeout ${minute % 3 === 0 ? '5m' : '40m'}`,
  ),
  fc.tuple(fc.integer({min: 0, max: 80}), fc.constantFrom(8, 30, 1024)).map(([minute, credits]) => `+${minute}m flags set max_credit_consumption_rate=${credits}`),
  fc.tuple(fc.integer({min: 0, max: 80}), fc.integer({min: 1, max: 4})).map(([minute, cluster]) => `+${minute}m cluster alter c${cluster} --replication-factor 2`),
)

type Outcome = {json: unknown} | {error: string}

async function run(spec: WorldSpec, texts: readonly string[], options: Partial<SimulationOptions>): Promise<Outcome> {
  const events: ScheduledEvent[] = await parseEvents(texts, START, START + HORIZON_MS, await eventCommands())
  try {
    const timeline = await simulate(new SimWorld(snapshotOf(spec)), {fromMs: START, untilMs: START + HORIZON_MS, events, ...options})
    return {json: timelineJson(timeline)}
  } catch (error) {
    return {error: (error as Error).message}
  }
}

const equivalence = (eventDriven: Partial<SimulationOptions>) =>
  fc.asyncProperty(worldArb, fc.array(eventArb, {maxLength: 3}), async (spec, events) => {
    const oracle = await run(spec, events, {mode: 'every-tick'})
    const fast = await run(spec, events, {mode: 'event-driven', ...eventDriven})
    expect(fast).toEqual(oracle)
  })

describe('simulate: event-driven equals tick-by-tick', () => {
  it('produces the same events, lifetimes, series and credits as ticking every interval', async () => {
    await fc.assert(equivalence({}), {seed: SEED, numRuns: RUNS})
  }, 300_000)

  it('the property finds a counterexample when hydration completions are not wake-ups', async () => {
    const broken: SimulationOptions['nextWakeup'] = (world, cluster, nowMs, options) =>
      nextWakeup(world, {...cluster, replicas: cluster.replicas.map((replica) => ({...replica, hydratedOverride: true}))}, nowMs, options)
    const result = await fc.check(equivalence({nextWakeup: broken}), {seed: SEED, numRuns: RUNS})
    expect(result.failed).toBe(true)
  }, 300_000)
})

describe('simulate: the generated worlds exercise the controller', () => {
  it('covers creates, drops, cut-overs, timeouts, bursts, refresh windows and resource limits', async () => {
    const samples = fc.sample(fc.tuple(worldArb, fc.array(eventArb, {maxLength: 3})), {seed: SEED, numRuns: 60})
    const reasons = new Set<string>()
    let errors = 0
    for (const [spec, events] of samples) {
      const outcome = await run(spec, events, {})
      if ('error' in outcome) errors += 1
      else for (const event of (outcome.json as ReturnType<typeof timelineJson>).events) reasons.add(`${event.kind}:${event.reason}`)
    }
    // Random events are often refused (limits, in-flight records): both modes must refuse alike, but most runs complete.
    expect(errors).toBeLessThan(samples.length * 0.75)
    expect([...reasons].some((reason) => reason.startsWith('event:cluster alter'))).toBe(true)
    for (const expected of ['create:manual', 'create:schedule', 'create:hydration-burst', 'drop:retired', 'reconfiguration:finalized', 'reconfiguration:timed-out', 'burst:linger-elapsed', 'resource-exhausted:resource-exhausted']) {
      expect(reasons).toContain(expected)
    }
  }, 300_000)
})
