// The size map on both backends: listing, merging, replacing, and refusing to remove sizes in use.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {DEFAULT_SIZES} from '../../src/lib/catalog/sizes.js'
import {UsageError} from '../../src/lib/errors.js'
import type {SizeSpec} from '../../src/lib/sizes/size-file.js'
import {parseSizeFile} from '../../src/lib/sizes/size-file.js'
import {importSizes, listSizes} from '../../src/lib/sizes/size-map.js'
import type {TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog} from '../support/catalogs.js'
import {addCluster, snapshot} from './fixtures.js'

const GiB = 1024 ** 3

const size = (name: string, overrides: Partial<SizeSpec> = {}): SizeSpec => ({
  name,
  family: 'cc',
  workers: 1,
  processes: 1,
  memoryBytes: GiB,
  creditsPerHour: 0.5,
  disabled: false,
  ...overrides,
})

const sizeAudits = (catalog: TestCatalog) =>
  catalog.db.query<{event_type: string; details: unknown}>(
    "SELECT event_type, details FROM mzcluster.audit_events WHERE object_type = 'replica-size' ORDER BY id",
  )

describe.each(backends())('size map on %s', (backend) => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog(backend)
  })
  afterAll(async () => catalog.destroy())

  it('lists the default map in order, credits as numbers', async () => {
    const sizes = await listSizes(catalog.db)
    expect(sizes.map((s) => s.name)).toEqual(DEFAULT_SIZES.map((s) => s.name))
    expect(sizes[0]).toEqual({
      name: '25cc',
      family: 'cc',
      workers: 1,
      processes: 1,
      memory_bytes: 2 * GiB,
      credits_per_hour: 0.25,
      disabled: false,
    })
  })

  it('round-trips its own JSON: importing `size list --json` changes nothing and writes no audit event', async () => {
    const before = await snapshot(catalog.db)
    const listed = await listSizes(catalog.db)
    const result = await importSizes(catalog.db, parseSizeFile(JSON.stringify(listed), 'sizes.json'))
    expect(result).toEqual({added: [], updated: [], removed: [], unchanged: listed.map((s) => s.name)})
    expect(await snapshot(catalog.db)).toEqual(before)
  })

  it('merges: adds new sizes at the end, updates changed ones in place, audits both', async () => {
    const result = await importSizes(
      catalog.db,
      [size('custom'), size('100cc', {workers: 3, memoryBytes: 8 * GiB, creditsPerHour: 1})],
      {nowMs: 1000},
    )
    expect(result).toEqual({added: ['custom'], updated: ['100cc'], removed: [], unchanged: []})
    const sizes = await listSizes(catalog.db)
    expect(sizes.at(-1)?.name).toBe('custom')
    expect(sizes[2]).toMatchObject({name: '100cc', workers: 3})
    expect((await sizeAudits(catalog)).at(-1)).toEqual({
      event_type: 'alter',
      details: {added: ['custom'], updated: ['100cc'], removed: []},
    })
  })

  describe('--replace', () => {
    beforeAll(async () => {
      await catalog.db.transaction(async (tx) => {
        await addCluster(tx, {
          id: 'u1',
          name: 'prod',
          size: '200cc',
          replicas: ['r1'],
          autoScalingStrategy: {on_hydration: {hydration_size: '800cc', linger_duration_ms: null}},
        })
        await addCluster(tx, {
          id: 'u2',
          name: 'batch',
          size: '200cc',
          reconfiguration: {
            target: {
              size: '400cc',
              replication_factor: 1,
              availability_zones: [],
              logging: {log_logging: false, interval_ms: 1000},
            },
            deadline: 0,
            on_timeout: 'rollback',
            status: 'in-progress',
          },
          burst: {burst_size: '1600cc', linger_duration_ms: 0, steady_hydrated_at: null},
        })
        await addCluster(tx, {
          id: 'u3',
          name: 'old',
          size: '200cc',
          reconfiguration: {
            target: {
              size: '3200cc',
              replication_factor: 1,
              availability_zones: [],
              logging: {log_logging: false, interval_ms: 1000},
            },
            deadline: 0,
            on_timeout: 'rollback',
            status: 'finalized',
          },
        })
        await tx.query(
          "INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, created_at) VALUES ('u90', 90, 'u1', 'manual', 'xsmall', 0)",
        )
      })
    })

    const inUse = ['25cc', '100cc', '200cc', '400cc', '800cc', '1600cc', 'xsmall']

    it.each(inUse)('refuses to remove %s while it is in use, writing nothing', async (name) => {
      const before = await snapshot(catalog.db)
      const keep = inUse.filter((n) => n !== name).map((n) => size(n))
      const error = await importSizes(catalog.db, keep, {replace: true}).catch((e: unknown) => e)
      expect(error).toBeInstanceOf(UsageError)
      expect((error as UsageError).code).toBe('SIZE_IN_USE')
      expect((error as UsageError).message).toContain(JSON.stringify(name))
      expect(await snapshot(catalog.db)).toEqual(before)
    })

    it('names the user of a size in the message', async () => {
      await expect(
        importSizes(
          catalog.db,
          inUse.filter((n) => n !== '800cc').map((n) => size(n)),
          {replace: true},
        ),
      ).rejects.toThrow(
        'cannot replace the size map: it would remove "800cc", in use by cluster "prod" (hydration size)',
      )
    })

    it('replaces the whole map in the file order once every used size is kept (settled targets do not count)', async () => {
      const file = [size('custom-big', {family: 'D'}), ...inUse.map((n) => size(n))]
      const result = await importSizes(catalog.db, file, {replace: true, nowMs: 2000})
      expect(result.removed).toContain('3200cc')
      expect(result.removed).toContain('custom')
      expect(result.added).toEqual(['custom-big'])
      expect((await listSizes(catalog.db)).map((s) => s.name)).toEqual(file.map((s) => s.name))
      const [audit] = (await sizeAudits(catalog)).slice(-1)
      expect(audit?.details).toMatchObject({
        added: ['custom-big'],
        removed: expect.arrayContaining(['3200cc', 'custom']),
      })
    })
  })
})
