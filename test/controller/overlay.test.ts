// OverlayCtx (`plan`): a tick against the overlay previews exactly what a real tick would do —
// phase 1's cut-over is visible to phase 2's re-read — while the base context is never written.

import {describe, expect, it} from 'vitest'

import {replicaId} from '../../src/lib/controller/context.js'
import {OverlayCtx} from '../../src/lib/controller/overlay-context.js'
import {runTick} from '../../src/lib/controller/tick.js'
import {FakeCtx, manual, record, rep} from './fake-ctx.js'

/** A27 tick 2: both 200cc targets hydrated, so phase 1 cuts over and phase 2 retires the 100cc set. */
function hydratedReconfiguration(): FakeCtx {
  const ctx = new FakeCtx([
    manual('100cc', 2, [rep('r0@100cc', 1), rep('r1@100cc', 2), rep('r2@200cc', 3), rep('r3@200cc', 4)], {
      reconfiguration: record('200cc', 2, 9_000_000),
    }),
  ])
  ctx.hydrated.add(replicaId('u3')).add(replicaId('u4'))
  return ctx
}

describe('OverlayCtx', () => {
  it('shows the phase-1 cut-over in the phase-2 preview and never writes the base', async () => {
    const base = hydratedReconfiguration()
    const before = base.state()
    const overlay = new OverlayCtx(base)
    const report = await runTick(overlay)

    expect(base.applied).toEqual([])
    expect(base.state()).toBe(before)
    expect(overlay.batches.map((batch) => batch.map((d) => d.kind))).toEqual([
      ['updateState'],
      ['drop', 'drop'],
    ])
    expect(report.clusters[0]?.batches.map((b) => [b.phase, b.outcome])).toEqual([
      ['state', 'applied'],
      ['replicas', 'applied'],
    ])
    expect(report.clusters[0]?.batches[1]?.drops.map((d) => [d.name, d.size])).toEqual([
      ['r0', '100cc'],
      ['r1', '100cc'],
    ])
    expect(report.clusters[0]?.before.size).toBe('100cc')
  })

  it('matches the decisions a real tick makes', async () => {
    const real = hydratedReconfiguration()
    await runTick(real)
    const overlay = new OverlayCtx(hydratedReconfiguration())
    await runTick(overlay)
    expect(overlay.batches).toEqual(real.applied)
  })

  it('replays creates and drops onto later reads with planned ids', async () => {
    const base = new FakeCtx([manual('200cc', 1, [rep('r0@100cc', 1)])])
    const overlay = new OverlayCtx(base)
    await runTick(overlay)
    const [state] = await overlay.clusterStates([base.state().clusterId])
    expect(state?.replicas.map((r) => [r.replicaId, r.name, r.shape?.size])).toEqual([
      ['planned-1', 'r1', '200cc'],
    ])
    expect(base.state().replicas).toHaveLength(1)
  })
})
