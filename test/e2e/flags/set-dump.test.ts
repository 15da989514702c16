// flags params / set / unset / dump through the built binary: the layers of `dump --resolved`
// (default < environment < manual < synced) for one cluster and one replica, `--format env` read
// back by a shell, and every `set` refusal exiting 2 with nothing written.

import {execFileSync} from 'node:child_process'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {TestCatalog} from '../../support/catalogs.js'
import {freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import {json, runCli} from '../../support/cli.js'
import {ENVIRONMENT_ID, insertObjects} from '../../flags-catalog/objects.js'

useWarmCatalogs()

interface DumpJson {
  scope: string
  object_id: string | null
  object_name: string | null
  name: string
  value: string
  layer: string
  layers?: Record<string, string>
}

describe('flags params, set, unset, dump (CLI)', () => {
  let catalog: TestCatalog
  const cli = (...args: string[]) => runCli(['flags', ...args], {catalog: catalog.location})

  beforeAll(async () => {
    catalog = await freshCatalog('embedded', {environmentId: ENVIRONMENT_ID})
    await insertObjects(catalog.db)
    // Synced overrides, as `flags sync` would have written them.
    await catalog.db.query(
      `INSERT INTO mzcluster.cluster_system_configurations VALUES ('u1', 'enable_variadic_left_join_lowering', 'true')`,
    )
    await catalog.db.query(
      `INSERT INTO mzcluster.replica_system_configurations VALUES ('u1', 'compute_flat_map_fuel', '30')`,
    )
    await catalog.close()
  })
  afterAll(async () => catalog.destroy())

  it('lists the registry', async () => {
    const result = await cli('params', '--scope', 'cluster', '--json')
    expect(result.code).toBe(0)
    const params =
      json<{name: string; scope: string; type: string; default: string; description: string}[]>(result)
    expect(params).toHaveLength(6)
    expect(params).toContainEqual({
      name: 'enable_eager_delta_joins',
      scope: 'cluster',
      type: 'bool',
      default: 'off',
      description: expect.stringContaining('Optimizer feature') as string,
    })
  })

  it('sets environment-wide values and pins on a cluster and a replica', async () => {
    const env = await cli(
      'set',
      'enable_new_outer_join_lowering=on',
      'enable_variadic_left_join_lowering=on',
      'enable_lgalloc_eager_reclamation=off',
      'enable_mz_join_core=off',
      'compute_flat_map_fuel=10',
    )
    expect(env.code).toBe(0)
    expect(env.stderr).toContain('+ enable_new_outer_join_lowering = on environment-wide')
    const cluster = await cli(
      'set',
      'enable_variadic_left_join_lowering=false',
      'enable_left_joins_lowering=true',
      '--cluster',
      'quickstart',
      '--json',
    )
    expect(cluster.code).toBe(0)
    expect(json(cluster)).toEqual([
      {
        scope: 'cluster',
        object_id: 'u1',
        object_name: 'quickstart',
        name: 'enable_variadic_left_join_lowering',
        value: 'off',
        previous: null,
        changed: true,
      },
      {
        scope: 'cluster',
        object_id: 'u1',
        object_name: 'quickstart',
        name: 'enable_left_joins_lowering',
        value: 'on',
        previous: null,
        changed: true,
      },
    ])
    expect(
      (await cli('set', 'enable_mz_join_core=on', 'compute_flat_map_fuel=20', '--replica', 'quickstart.r1'))
        .code,
    ).toBe(0)
  })

  const refusals: [string, string[], RegExp][] = [
    [
      'a scope that does not fit',
      ['enable_lgalloc=off', '--cluster', 'quickstart'],
      /enable_lgalloc is replica-scoped .*use --replica CLUSTER\.REPLICA/,
    ],
    [
      'an unknown name next to a valid one',
      ['max_replicas_per_cluster=9', 'enable_nonsense=on'],
      /unknown parameter "enable_nonsense"/,
    ],
    [
      'a value that does not parse',
      ['enable_eager_delta_joins=maybe', '--cluster', 'quickstart'],
      /invalid value "maybe" for enable_eager_delta_joins/,
    ],
    ['an unknown cluster', ['enable_eager_delta_joins=on', '--cluster', 'nope'], /unknown cluster "nope"/],
    [
      'an unknown replica',
      ['enable_lgalloc=off', '--replica', 'quickstart.r9'],
      /unknown replica "r9" in cluster "quickstart"/,
    ],
  ]
  it.each(refusals)('refuses %s: exit 2', async (_what, args, message) => {
    const result = await cli('set', ...args)
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toMatch(message)
  })

  it('dumps the stored rows of every layer (and nothing from the refused sets)', async () => {
    const result = await cli('dump')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(
      [
        'SCOPE\tOBJECT\tNAME\tVALUE\tLAYER',
        'environment\t\tcompute_flat_map_fuel\t10\tenvironment',
        'environment\t\tenable_lgalloc_eager_reclamation\toff\tenvironment',
        'environment\t\tenable_mz_join_core\toff\tenvironment',
        'environment\t\tenable_new_outer_join_lowering\ton\tenvironment',
        'environment\t\tenable_variadic_left_join_lowering\ton\tenvironment',
        'cluster\tquickstart\tenable_left_joins_lowering\ton\tmanual',
        'cluster\tquickstart\tenable_variadic_left_join_lowering\toff\tmanual',
        'cluster\tquickstart\tenable_variadic_left_join_lowering\ttrue\tsynced',
        'replica\tquickstart.r1\tcompute_flat_map_fuel\t20\tmanual',
        'replica\tquickstart.r1\tenable_mz_join_core\ton\tmanual',
        'replica\tquickstart.r1\tcompute_flat_map_fuel\t30\tsynced',
        '',
      ].join('\n'),
    )
  })

  it('resolves a cluster: default < environment < manual < synced', async () => {
    const rows = json<DumpJson[]>(await cli('dump', '--resolved', '--cluster', 'quickstart', '--json'))
    const layer = (name: string) => rows.find((r) => r.name === name)
    expect(rows).toHaveLength(6)
    expect(layer('enable_join_prioritize_arranged')).toMatchObject({value: 'off', layer: 'default'})
    expect(layer('enable_new_outer_join_lowering')).toMatchObject({value: 'on', layer: 'environment'})
    expect(layer('enable_left_joins_lowering')).toMatchObject({value: 'on', layer: 'manual'})
    expect(layer('enable_variadic_left_join_lowering')).toEqual({
      scope: 'cluster',
      object_id: 'u1',
      object_name: 'quickstart',
      name: 'enable_variadic_left_join_lowering',
      value: 'on',
      layer: 'synced',
      layers: {default: 'off', environment: 'on', manual: 'off', synced: 'on'},
    })
  })

  it('resolves a replica: default < environment < manual < synced', async () => {
    const rows = json<DumpJson[]>(await cli('dump', '--resolved', '--replica', 'quickstart.r1', '--json'))
    const layer = (name: string) => rows.find((r) => r.name === name)
    expect(layer('enable_lgalloc')).toMatchObject({
      value: 'on',
      layer: 'default',
      object_name: 'quickstart.r1',
    })
    expect(layer('enable_lgalloc_eager_reclamation')).toMatchObject({value: 'off', layer: 'environment'})
    expect(layer('enable_mz_join_core')).toMatchObject({value: 'on', layer: 'manual'})
    expect(layer('compute_flat_map_fuel')).toMatchObject({
      value: '30',
      layer: 'synced',
      layers: {default: '1000000', environment: '10', manual: '20', synced: '30'},
    })
  })

  it('prints NAME=value lines a shell can evaluate', async () => {
    const result = await cli('dump', '--resolved', '--replica', 'quickstart.r1', '--format', 'env')
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('linear_join_yielding=work:1000000,time:100\n')
    const shell = `${result.stdout}\nprintf '%s|%s|%s' "$compute_flat_map_fuel" "$enable_mz_join_core" "$compute_dataflow_max_inflight_bytes"`
    expect(execFileSync('sh', ['-c', shell], {encoding: 'utf8'})).toBe('30|on|none')
  })

  it('refuses --format env with --json: two outputs, exit 2, a JSON error document', async () => {
    const result = await cli('dump', '--replica', 'quickstart.r1', '--format', 'env', '--json')
    expect(result.code).toBe(2)
    const {error} = JSON.parse(result.stdout) as {error: {code: string; message: string}}
    expect(error.code).toBe('INVALID_USAGE')
    expect(error.message).toBe('--format env and --json choose two different outputs')
  })

  it('unset removes a pin and notes one that was not set', async () => {
    const result = await cli('unset', 'compute_flat_map_fuel', 'enable_lgalloc', '--replica', 'quickstart.r1')
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('- compute_flat_map_fuel for replica quickstart.r1 (u1) (was 20)')
    expect(result.stderr).toContain(
      'enable_lgalloc is not set for replica quickstart.r1 (u1); nothing to unset',
    )
  })
})
