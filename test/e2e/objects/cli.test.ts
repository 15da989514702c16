// `size`, `object` and `signal` as a user runs them: the built binary against an embedded catalog,
// stdout for data (TSV with a header when piped, or --json), stderr for confirmations and errors,
// exit 2 with one clear line and nothing written for every bad input.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {CliResult} from '../../support/cli.js'
import {json, runCli} from '../../support/cli.js'
import type {TestCatalog} from '../../support/catalogs.js'
import {freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import {addCluster, snapshot} from '../../objects/fixtures.js'

useWarmCatalogs()

const onlySize = {name: 'only', workers: 1, processes: 1, memory_bytes: 1, credits_per_hour: 0}

describe('size, object and signal commands', () => {
  let catalog: TestCatalog
  // NODE_ENV=test (inherited from vitest) makes oclif add dev-only warnings to stderr; users never see them.
  const cli = (args: string[], input?: string) =>
    runCli(args, {catalog: catalog.location, input, env: {NODE_ENV: undefined}})

  beforeAll(async () => {
    catalog = await freshCatalog('embedded')
    await addCluster(catalog.db, {id: 'u1', name: 'prod', replicas: ['r1', 'r2']})
    await catalog.close()
  })
  afterAll(async () => catalog.destroy())

  it('size list: TSV with a header when piped, and --json', async () => {
    const tsv = await cli(['size', 'list'])
    expect(tsv).toMatchObject({code: 0, stderr: ''})
    const lines = tsv.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe('NAME\tFAMILY\tWORKERS\tPROCESSES\tMEMORY\tCREDITS/H\tDISABLED')
    expect(lines).toContain('100cc\tcc\t2\t1\t8GiB\t1\tfalse')
    const sizes = json<unknown[]>(await cli(['size', 'list', '--json']))
    expect(sizes[0]).toEqual({
      name: '25cc',
      family: 'cc',
      workers: 1,
      processes: 1,
      memory_bytes: 2 * 1024 ** 3,
      credits_per_hour: 0.25,
      disabled: false,
    })
  })

  it("size import -: merges Materialize's map from stdin", async () => {
    const map = {
      'custom-1': {workers: 2, scale: 1, credits_per_hour: '0.5', memory_limit: '4GiB', cpu_limit: 1},
    }
    const result = await cli(['size', 'import', '-'], JSON.stringify(map))
    expect(result).toEqual({code: 0, stdout: '', stderr: 'Imported 1 size: 1 added, 0 updated, 0 removed.\n'})
  })

  it('object create: a refresh materialized view (--json) and a pinned index', async () => {
    const mv = await cli([
      'object',
      'create',
      'daily',
      '--cluster',
      'prod',
      '--type',
      'materialized-view',
      '--refresh-every',
      '1h',
      '--aligned-to',
      '2026-01-01T00:00:00Z',
      '--refresh-at',
      '1767225600000',
      '--json',
    ])
    expect(mv.stderr).toBe('')
    expect(json(mv)).toMatchObject({
      id: 'u1',
      name: 'daily',
      cluster_name: 'prod',
      type: 'materialized-view',
      replica_name: null,
      refresh_schedule: {
        everies: [{interval_ms: 3_600_000, aligned_to: Date.UTC(2026, 0, 1)}],
        ats: [1767225600000],
      },
      write_frontier: null,
      sealed: false,
    })
    const idx = await cli([
      'object',
      'create',
      `it's; "idx" ☕`,
      '--cluster',
      'prod',
      '--type',
      'index',
      '--replica',
      'r1',
    ])
    expect(idx).toEqual({
      code: 0,
      stdout: '',
      stderr: `Created index it's; "idx" ☕ (u2) on cluster prod, pinned to replica r1.\n`,
    })
  })

  it('object list: TSV with a header, and --json', async () => {
    const tsv = await cli(['object', 'list'])
    expect(tsv.stdout).toBe(
      'NAME\tTYPE\tCLUSTER\tPINNED\tREFRESH\n' +
        'daily\tmaterialized-view\tprod\t\tevery 1h aligned to 2026-01-01T00:00:00.000Z; at 2026-01-01T00:00:00.000Z\n' +
        `it's; "idx" ☕\tindex\tprod\tr1\t\n`,
    )
    const objects = json<{name: string; replica_name: string | null}[]>(
      await cli(['object', 'list', '--cluster', 'prod', '--json']),
    )
    expect(objects.map((o) => [o.name, o.replica_name])).toEqual([
      ['daily', null],
      [`it's; "idx" ☕`, 'r1'],
    ])
  })

  it('signal online, hydration and frontier: a confirmation on stderr, the written rows with --json', async () => {
    expect(await cli(['signal', 'online', 'prod.r1'])).toEqual({
      code: 0,
      stdout: '',
      stderr: 'Reported prod.r1 (u1) online.\n',
    })
    const hydration = json<{object_id: string; hydrated: boolean}[]>(
      await cli(['signal', 'hydration', 'prod.r1', '--json']),
    )
    expect(hydration.map((row) => [row.object_id, row.hydrated])).toEqual([
      ['u1', true],
      ['u2', true],
    ])
    const frontier = await cli(['signal', 'frontier', 'daily', '--upper', '2026-01-01T01:00:00Z', '--json'])
    expect(json(frontier)).toEqual([
      {
        object_id: 'u1',
        object_name: 'daily',
        cluster_name: 'prod',
        write_frontier: Date.UTC(2026, 0, 1, 1),
        sealed: false,
        reported_at: expect.any(Number),
      },
    ])
  })

  it('object drop: removes the object at once', async () => {
    expect(await cli(['object', 'drop', `it's; "idx" ☕`])).toEqual({
      code: 0,
      stdout: '',
      stderr: `Dropped index it's; "idx" ☕ (u2) from cluster prod.\n`,
    })
  })

  it('refuses bad input with exit 2, one clear line on stderr, empty stdout, and the catalog unchanged', async () => {
    const before = await snapshot(await catalog.reopen())
    await catalog.close()
    const createX = (...options: string[]) => ['object', 'create', 'x', '--cluster', 'prod', ...options]
    const cases: [string[], RegExp, string?][] = [
      [['object', 'create', 'x', '--cluster', 'nope', '--type', 'index'], /^Error: unknown cluster "nope"$/],
      [createX('--type', 'table'), /^Error: Expected --type=table to be one of: index, materialized-view/],
      [
        createX('--type', 'materialized-view', '--refresh-every', '10 minutes'),
        /^Error: --refresh-every: invalid duration "10 minutes"/,
      ],
      [
        createX('--type', 'materialized-view', '--refresh-every', '-5s'),
        /^Error: --refresh-every: invalid duration "-5s"/,
      ],
      [
        createX('--type', 'materialized-view', '--aligned-to', '+1h'),
        /^Error: --aligned-to requires --refresh-every$/,
      ],
      [
        createX('--type', 'index', '--refresh-every', '1h'),
        /^Error: refresh options apply to materialized views only/,
      ],
      [['object', 'drop', 'nope'], /^Error: unknown object "nope"$/],
      [
        ['signal', 'frontier', 'daily', '--upper', '+1h', '--sealed'],
        /^Error: give either --upper or --sealed/,
      ],
      [['signal', 'hydration', 'prod.r1', '--object', 'nope'], /^Error: unknown object "nope"$/],
      [['size', 'import', '-'], /^Error: stdin is not valid JSON: /, '{"custom-2": '],
      [
        ['size', 'import', '-'],
        /^Error: invalid size file stdin: size "custom-2": field "workers" must be/,
        '{"custom-2": {"workers": 0}}',
      ],
      [
        ['size', 'import', '--replace', '-'],
        /^Error: cannot replace the size map: it would remove .*"100cc"/,
        JSON.stringify([onlySize]),
      ],
    ]
    const results: [string[], CliResult][] = []
    for (const [args, , input] of cases) results.push([args, await cli(args, input)])
    results.forEach(([args, result], i) => {
      const [, message] = cases[i] as [string[], RegExp]
      expect({args, code: result.code, stdout: result.stdout}).toEqual({args, code: 2, stdout: ''})
      const lines = result.stderr.trimEnd().split('\n')
      expect(lines[0]).toMatch(message)
      expect({args, lines: lines.length}).toEqual({args, lines: Math.min(lines.length, 2)}) // the error, then at most a hint
      expect(result.stderr).not.toMatch(/^\s+at /m)
    })
    expect(await snapshot(await catalog.reopen())).toEqual(before)
    await catalog.close()
  }, 180_000)
})
