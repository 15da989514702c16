// Bad input to the DDL commands, through the built binary: every refusal exits 2 with one error
// line (plus at most a hint) on stderr, prints nothing on stdout, and writes nothing.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {TestCatalog} from '../../support/catalogs.js'
import {freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import {json, runCli} from '../../support/cli.js'
import {catalogCounts, type CatalogCounts} from '../../ddl/fixtures.js'

useWarmCatalogs()

const REFUSALS: readonly (readonly [string, readonly string[], RegExp])[] = [
  [
    'an unknown size',
    ['cluster', 'create', 'x', '--size', '99cc'],
    /^unknown cluster replica size "99cc" \(--size\)$/,
  ],
  ['a duplicate name', ['cluster', 'create', 'prod', '--size', '100cc'], /^cluster "prod" already exists$/],
  [
    'a duration in words',
    ['cluster', 'create', 'x', '--size', '100cc', '--introspection-interval', '10 minutes'],
    /^invalid duration "10 minutes"/,
  ],
  [
    'a negative duration',
    ['cluster', 'create', 'x', '--size', '100cc', '--hydration-size', '800cc', '--linger', '-5s'],
    /^invalid duration "-5s"/,
  ],
  [
    'an AZ list with an empty item',
    ['cluster', 'create', 'x', '--size', '100cc', '--availability-zones', 'az1,,az2'],
    /empty item/,
  ],
  [
    'a negative replication factor',
    ['cluster', 'create', 'x', '--size', '100cc', '--replication-factor', '-1'],
    /^invalid replication factor "-1"/,
  ],
  [
    'a fractional replication factor',
    ['cluster', 'create', 'x', '--size', '100cc', '--replication-factor', '1.5'],
    /^invalid replication factor "1.5"/,
  ],
  [
    'a replication factor over the limit',
    ['cluster', 'create', 'x', '--size', '100cc', '--replication-factor', '6'],
    /^cluster "x" would have 6 replicas; max_replicas_per_cluster is 5 \(the cluster has 0\)$/,
  ],
  [
    '--unmanaged with --size',
    ['cluster', 'create', 'x', '--unmanaged', '--size', '100cc'],
    /^--size does not apply to unmanaged clusters$/,
  ],
  [
    '--linger without --hydration-size',
    ['cluster', 'create', 'x', '--size', '100cc', '--linger', '5m'],
    /^--linger requires --hydration-size$/,
  ],
  [
    'a hydration size equal to the size',
    ['cluster', 'create', 'x', '--size', '100cc', '--hydration-size', '100cc'],
    /^--hydration-size must differ from the cluster's size \(100cc\)/,
  ],
  [
    'a replication factor with an on-refresh schedule',
    ['cluster', 'create', 'x', '--size', '100cc', '--schedule', 'on-refresh', '--replication-factor', '2'],
    /^--replication-factor only applies with --schedule manual: on another schedule, the schedule decides when a replica runs$/,
  ],
  [
    'a replica-scoped feature',
    ['cluster', 'create', 'x', '--size', '100cc', '--feature', 'enable_lgalloc=on'],
    /replica-scoped/,
  ],
  ['an unknown cluster', ['cluster', 'show', 'nope'], /^unknown cluster "nope"$/],
  [
    'dropping a builtin cluster',
    ['cluster', 'drop', 'mz_system', '--yes'],
    /^cannot drop builtin cluster "mz_system"$/,
  ],
  [
    'a manual replica on a managed cluster',
    ['replica', 'create', 'prod.r9', '--size', '100cc'],
    /managed cluster "prod": the controller owns/,
  ],
  ['an unknown replica', ['replica', 'drop', 'prod.r9'], /^unknown replica "r9" in cluster "prod"$/],
  ['an invalid --since', ['audit', '--since', 'yesterday'], /^invalid time "yesterday"/],
  [
    'a replication factor too large to be a number',
    ['cluster', 'create', 'x', '--size', '100cc', '--replication-factor', '99999999999999999999'],
    /^invalid replication factor "99999999999999999999": too large, the maximum is 2147483647$/,
  ],
  [
    'a duration too large to be a number',
    ['cluster', 'create', 'x', '--size', '100cc', '--hydration-size', '800cc', '--linger', '99999999999h'],
    /^invalid duration "99999999999h": too large, the maximum is 104249991d$/,
  ],
  ['a missing cluster name', ['cluster', 'create'], /^missing argument NAME \(cluster name\)$/],
  ['a missing object name', ['object', 'drop'], /^missing argument NAME \(object name\)$/],
  ['missing required flags', ['object', 'create', 'o1'], /^missing required flags --cluster, --type$/],
  ['a missing required flag', ['replica', 'create', 'scratch.r1'], /^missing required flag --size$/],
  [
    'an over-large replication factor on a dry run',
    ['cluster', 'create', 'x', '--size', '100cc', '--replication-factor', '6', '--dry-run'],
    /^cluster "x" would have 6 replicas; max_replicas_per_cluster is 5 \(the cluster has 0\)$/,
  ],
]

describe('DDL refusals end to end (embedded)', () => {
  let catalog: TestCatalog
  let before: CatalogCounts
  const cli = (args: readonly string[]) => runCli(args, {catalog: catalog.location})

  beforeAll(async () => {
    catalog = await freshCatalog('embedded')
    await catalog.db.query(
      `INSERT INTO mzcluster.clusters (id, ord, name, managed, size, replication_factor, created_at)
       VALUES ('u1', 1, 'prod', true, '100cc', 1, 0)`,
    )
    before = await catalogCounts(catalog.db)
    await catalog.close()
  })
  afterAll(async () => catalog.destroy())

  it.each(REFUSALS)(
    'refuses %s: exit 2, one error on stderr, nothing on stdout',
    async (_label, args, message) => {
      const result = await cli(args)
      expect(result.code).toBe(2)
      expect(result.stdout).toBe('')
      const lines = result.stderr.trimEnd().split('\n')
      expect(lines[0]).toMatch(/^Error: /)
      expect(lines[0]?.slice('Error: '.length)).toMatch(message)
      expect(lines.length).toBeLessThanOrEqual(2)
      if (lines.length === 2) expect(lines[1]).toMatch(/^Hint: /)
    },
  )

  it('reports a refusal under --json as one JSON document on stdout', async () => {
    const result = await cli(['cluster', 'create', 'x', '--size', '99cc', '--json'])
    expect(result.code).toBe(2)
    expect(json(result)).toEqual({
      error: {
        code: 'UNKNOWN_SIZE',
        message: 'unknown cluster replica size "99cc" (--size)',
        hint: 'list sizes with `mzcluster size list`',
        exit_code: 2,
      },
    })
  })

  it('wrote nothing', async () => {
    const db = await catalog.reopen()
    expect(await catalogCounts(db)).toEqual(before)
  })
})
