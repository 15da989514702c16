// flags dump at library level: stored rows of every layer, the resolved value of every applicable
// parameter with the layer it came from (default < environment < manual < synced), selections,
// a constant number of statements, and the env format's shell quoting.

import {execFileSync} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {dumpFlags, envLines, isSingleObject, shellQuote, type DumpRow} from '../../src/lib/flags/dump.js'
import {listParameters} from '../../src/lib/parameters/registry.js'
import {setParameters} from '../../src/lib/flags/settings.js'
import {formatReplicaRef} from '../../src/lib/flags/store.js'
import {parseReplicaRef} from '../../src/lib/input/names.js'
import type {TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog} from '../support/catalogs.js'
import {ENVIRONMENT_ID, insertObjects} from './objects.js'

const R1 = {cluster: 'quickstart', replica: 'r1'}

const pick = (rows: readonly DumpRow[], name: string) => {
  const row = rows.find((r) => r.name === name)
  if (!row) throw new Error(`no row ${name}`)
  return {value: row.value, layer: row.layer}
}

describe.each(backends())('flags dump on %s', (backend) => {
  let catalog: TestCatalog
  beforeAll(async () => {
    catalog = await freshCatalog(backend, {environmentId: ENVIRONMENT_ID})
    await insertObjects(catalog.db)
    // One parameter per layer on quickstart (cluster) and quickstart.r1 (replica).
    await setParameters(catalog.db, {kind: 'environment'}, [
      'enable_new_outer_join_lowering=on',
      'enable_left_joins_lowering=on',
      'enable_variadic_left_join_lowering=on',
      'enable_lgalloc_eager_reclamation=off',
      'enable_mz_join_core=off',
      'compute_flat_map_fuel=10',
    ])
    await setParameters(catalog.db, {kind: 'cluster', cluster: 'quickstart'}, [
      'enable_left_joins_lowering=off',
      'enable_variadic_left_join_lowering=off',
    ])
    await setParameters(catalog.db, {kind: 'replica', replica: R1}, [
      'enable_mz_join_core=on',
      'compute_flat_map_fuel=20',
    ])
    await catalog.db.query(
      `INSERT INTO mzcluster.cluster_system_configurations VALUES ('u1', 'enable_variadic_left_join_lowering', 'true'), ('u99', 'enable_eager_delta_joins', 'true')`,
    )
    await catalog.db.query(
      `INSERT INTO mzcluster.replica_system_configurations VALUES ('u1', 'compute_flat_map_fuel', '30')`,
    )
  })
  afterAll(async () => catalog.destroy())

  it('resolves every cluster-scoped parameter of a cluster with its layer', async () => {
    const rows = await dumpFlags(catalog.db, {cluster: 'quickstart'}, {resolved: true})
    expect(rows.map((r) => r.name)).toEqual(
      listParameters('cluster')
        .map((d) => d.name)
        .sort(),
    )
    expect(
      rows.every((r) => r.scope === 'cluster' && r.object_id === 'u1' && r.object_name === 'quickstart'),
    ).toBe(true)
    expect(pick(rows, 'enable_join_prioritize_arranged')).toEqual({value: 'off', layer: 'default'})
    expect(pick(rows, 'enable_new_outer_join_lowering')).toEqual({value: 'on', layer: 'environment'})
    expect(pick(rows, 'enable_left_joins_lowering')).toEqual({value: 'off', layer: 'manual'})
    expect(pick(rows, 'enable_variadic_left_join_lowering')).toEqual({value: 'on', layer: 'synced'})
    expect(rows.find((r) => r.name === 'enable_variadic_left_join_lowering')?.layers).toEqual({
      default: 'off',
      environment: 'on',
      manual: 'off',
      synced: 'on',
    })
  })

  it('resolves every replica-scoped parameter of a replica with its layer', async () => {
    const rows = await dumpFlags(catalog.db, {replica: R1}, {resolved: true})
    expect(rows).toHaveLength(listParameters('replica').length)
    expect(rows[0]).toMatchObject({scope: 'replica', object_id: 'u1', object_name: 'quickstart.r1'})
    expect(pick(rows, 'enable_lgalloc')).toEqual({value: 'on', layer: 'default'})
    expect(pick(rows, 'enable_lgalloc_eager_reclamation')).toEqual({value: 'off', layer: 'environment'})
    expect(pick(rows, 'enable_mz_join_core')).toEqual({value: 'on', layer: 'manual'})
    expect(pick(rows, 'compute_flat_map_fuel')).toEqual({value: '30', layer: 'synced'})
  })

  it('dumps stored rows of every layer, rows of dropped objects included', async () => {
    const rows = await dumpFlags(catalog.db, {})
    const shown = rows.map(
      (r) => `${r.scope} ${r.object_name ?? r.object_id ?? '-'} ${r.name}=${r.value} ${r.layer}`,
    )
    expect(shown).toEqual([
      'environment - compute_flat_map_fuel=10 environment',
      'environment - enable_left_joins_lowering=on environment',
      'environment - enable_lgalloc_eager_reclamation=off environment',
      'environment - enable_mz_join_core=off environment',
      'environment - enable_new_outer_join_lowering=on environment',
      'environment - enable_variadic_left_join_lowering=on environment',
      'cluster quickstart enable_left_joins_lowering=off manual',
      'cluster quickstart enable_variadic_left_join_lowering=off manual',
      'cluster quickstart enable_variadic_left_join_lowering=true synced',
      'cluster u99 enable_eager_delta_joins=true synced',
      'replica quickstart.r1 compute_flat_map_fuel=20 manual',
      'replica quickstart.r1 enable_mz_join_core=on manual',
      'replica quickstart.r1 compute_flat_map_fuel=30 synced',
    ])
    expect(
      (await dumpFlags(catalog.db, {scope: 'replica', cluster: 'quickstart'})).map((r) => r.layer),
    ).toEqual(['manual', 'manual', 'synced'])
  })

  it('resolves everything in a constant number of statements', async () => {
    const count = async () => {
      const start = catalog.db.statementCount
      const rows = await dumpFlags(catalog.db, {}, {resolved: true})
      return {statements: catalog.db.statementCount - start, rows: rows.length}
    }
    const before = await count()
    await catalog.db.query(
      `INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, created_at)
       SELECT 'u' || g, g, 'u2', 'many' || g, 'xsmall', 0 FROM generate_series(200, 229) AS g`,
    )
    const after = await count()
    expect(after.statements).toBe(before.statements)
    expect(after.rows - before.rows).toBe(30 * listParameters('replica').length)
    await catalog.db.query("DELETE FROM mzcluster.replicas WHERE name LIKE 'many%'")
  })

  it('refuses selections that contradict themselves, and names unknown objects', async () => {
    await expect(dumpFlags(catalog.db, {scope: 'cluster', replica: R1})).rejects.toThrow(
      /--replica selects a replica/,
    )
    await expect(dumpFlags(catalog.db, {scope: 'environment', cluster: 'quickstart'})).rejects.toThrow(
      /not the environment/,
    )
    await expect(dumpFlags(catalog.db, {cluster: 'nope'})).rejects.toThrow(/unknown cluster "nope"/)
    await expect(dumpFlags(catalog.db, {replica: {cluster: 'quickstart', replica: 'r7'}})).rejects.toThrow(
      /unknown replica "r7"/,
    )
    expect(isSingleObject({scope: 'environment'})).toBe(true)
    expect(isSingleObject({cluster: 'x'})).toBe(true)
    expect(isSingleObject({cluster: 'x', scope: 'replica'})).toBe(false)
    expect(isSingleObject({})).toBe(false)
  })
})

describe('env format', () => {
  it('quotes values for the shell only when needed, and the shell reads them back', () => {
    const values = [
      'on',
      '64MiB',
      'work:1000000,time:100',
      '',
      'two words',
      "it's",
      '$HOME `x` "q" \\ ;|&',
      'tab\there',
    ]
    expect(values.map(shellQuote)).toEqual([
      'on',
      '64MiB',
      'work:1000000,time:100',
      "''",
      "'two words'",
      "'it'\\''s'",
      `'$HOME \`x\` "q" \\ ;|&'`,
      "'tab\there'",
    ])
    const rows: DumpRow[] = values.map((value, i) => ({
      scope: 'environment',
      object_id: null,
      object_name: null,
      name: `p${i}`,
      value,
      layer: 'environment',
    }))
    const script = `${envLines(rows).join('\n')}\nprintf '%s\\0' ${values.map((_, i) => `"$p${i}"`).join(' ')}`
    const out = execFileSync('sh', ['-c', script], {encoding: 'utf8'})
    expect(out.split('\0').slice(0, -1)).toEqual(values)
  })

  it('formats replica references that parse back', () => {
    expect(formatReplicaRef('prod', 'r1')).toBe('prod.r1')
    expect(formatReplicaRef('my.cluster', 'r.1')).toBe('"my.cluster".r.1')
    const names: [string, string][] = [
      ['q"x', '"r'],
      ['a\\.b', 'c\\d'],
      ['"', '.'],
      ['ünï', 'r 1;'],
    ]
    for (const [cluster, replica] of names) {
      expect(parseReplicaRef(formatReplicaRef(cluster, replica))).toEqual({cluster, replica})
    }
  })
})
