// The concurrency suite's invariants must catch what the safeguards prevent. Here the
// compare-and-append witness: a tick reads a cluster, an alter turns it off (replication factor 0)
// before the tick applies, and the tick's create — decided from the old config — must be rejected.
// With the witness check skipped (MZCLUSTER_FAULT_SKIP_WITNESS=1, fault injection) the stale create
// commits, and the invariant checker's replay reports it as a stale decision. Both in one bulk
// apply with other clusters whose batches are still valid, which apply either way.

import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {alterCluster} from '../../src/lib/alter/alter.js'
import {runTick} from '../../src/lib/controller/tick.js'
import type {TestCatalog} from '../support/catalogs.js'
import {freshCatalog} from '../support/catalogs.js'
import {InvariantChecker} from './invariants.js'
import {createManagedCluster} from './scenario.js'
import {serverUrl} from './support.js'
import {RacingCtx} from '../support/racing-ctx.js'


describe.skipIf(!serverUrl())('the invariants catch a broken compare-and-append witness', () => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog('server')
  })
  afterEach(() => {
    delete process.env.MZCLUSTER_FAULT_SKIP_WITNESS
  })
  afterAll(async () => catalog?.destroy())

  async function staleRace(prefix: string) {
    const db = catalog.db
    const names = [`${prefix}_1`, `${prefix}_2`, `${prefix}_3`]
    for (const name of names) await createManagedCluster(db, name, '100cc', 1)
    const checker = new InvariantChecker(catalog.location)
    expect((await checker.check()).violations).toEqual([])
    const ctx = new RacingCtx(db, {clusterNames: names})
    ctx.beforeNextApply = async () => {
      await alterCluster(db, names[1] as string, {replicationFactor: 0, timing: {kind: 'default'}})
    }
    const report = await runTick(ctx)
    const outcomes = Object.fromEntries(report.clusters.map((cluster) => [cluster.clusterName, cluster.batches.map((batch) => batch.outcome)]))
    return {outcomes, violations: (await checker.check()).violations, names}
  }

  it('with the witness check, the stale create is rejected and the other clusters apply', async () => {
    const {outcomes, violations, names} = await staleRace('witness')
    expect(outcomes).toEqual({[names[0] as string]: ['applied'], [names[1] as string]: ['rejected'], [names[2] as string]: ['applied']})
    expect(violations).toEqual([])
  })

  it('without it, the stale create commits and the invariant checker reports a stale decision', async () => {
    process.env.MZCLUSTER_FAULT_SKIP_WITNESS = '1'
    const {outcomes, violations, names} = await staleRace('nowitness')
    expect(outcomes[names[1] as string]).toEqual(['applied'])
    expect(violations.join('\n')).toMatch(/stale decision/)
  })
})
