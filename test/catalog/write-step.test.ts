// The dry-run safeguard of every write command: `previewWrite` runs a step's `prepare` in a READ
// ONLY transaction, so even a prepare that (wrongly) writes cannot change the catalog; the
// database refuses. `runWrite` runs prepare and apply in one transaction.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {Queryable} from '../../src/lib/catalog/db.js'
import type {WriteStep} from '../../src/lib/catalog/write-step.js'
import {previewWrite, runWrite} from '../../src/lib/catalog/write-step.js'
import type {TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog} from '../support/catalogs.js'
import {dumpCatalog} from '../integration/fixtures.js'

/** A step whose prepare writes: a bug the preview must not turn into a write. */
const leakyStep: WriteStep<string, string> = {
  async prepare(q: Queryable, {lock}) {
    await q.query(
      `INSERT INTO mzcluster.system_parameters (name, value, updated_at) VALUES ('max_replicas_per_cluster', '7', 0)`,
    )
    await q.query(`SELECT * FROM mzcluster.clusters WHERE name = 'mz_system'${lock ? ' FOR UPDATE' : ''}`)
    return 'planned'
  },
  async apply(tx: Queryable, plan: string) {
    await tx.query(
      `UPDATE mzcluster.system_parameters SET value = '8' WHERE name = 'max_replicas_per_cluster'`,
    )
    return `${plan} and applied`
  },
}

describe.each(backends())('write steps on %s', (backend) => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog(backend)
  })
  afterAll(async () => catalog.destroy())

  it('a preview cannot write, even when prepare tries: the database refuses and nothing changes', async () => {
    const before = await dumpCatalog(catalog.db)
    await expect(previewWrite(catalog.db, leakyStep)).rejects.toMatchObject({code: '25006'})
    expect(await dumpCatalog(catalog.db)).toBe(before)
  })

  it('runWrite prepares (with row locks) and applies in one transaction', async () => {
    expect(await runWrite(catalog.db, leakyStep)).toBe('planned and applied')
    const rows = await catalog.db.query<{value: string}>(
      `SELECT value FROM mzcluster.system_parameters WHERE name = 'max_replicas_per_cluster'`,
    )
    expect(rows).toEqual([{value: '8'}])
  })
})
