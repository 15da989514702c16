// `--dry-run` on every command that writes, run as a user runs it (the built binary, piped, no
// terminal): exit 0, a description of what would be written on stdout, `{"dry_run": true, …}` with
// the real command's fields under --json, and a full dump of the catalog (every row of every table,
// every sequence) byte-identical before and after. An invalid dry run fails exactly as the real
// command does (same stderr, exit 2). Then the real command runs, so the next dry run starts from
// the state the previous write left.

import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog, useWarmCatalogs} from '../support/catalogs.js'
import {json, runCli, type CliResult} from '../support/cli.js'
import {dumpCatalog} from '../integration/fixtures.js'

useWarmCatalogs()

/** Each CLI run costs a second or more on the embedded catalog, several on a loaded machine. */
const SLOW = 300_000

interface DryRunCase {
  readonly command: string
  readonly argv: readonly string[]
  /** stdout of the human dry run must match. */
  readonly says: RegExp
  /** An invalid variant: refused identically with and without --dry-run. */
  readonly invalid: readonly string[]
  /** Where the real command's JSON puts its fields (flags set/unset print an array). */
  readonly arrayKey?: string
}

const sizesDir = mkdtempSync(join(tmpdir(), 'mzcluster-dry-run-sizes-'))
const sizesFile = join(sizesDir, 'sizes.json')
writeFileSync(
  sizesFile,
  JSON.stringify([
    {name: '100cc', family: 'cc', workers: 2, processes: 1, memory_bytes: 8589934592, credits_per_hour: 1},
    {name: '150cc', family: 'cc', workers: 3, processes: 1, memory_bytes: 12884901888, credits_per_hour: 1.5},
  ]),
)

// In this order, each real command running after its dry run.
const CASES: readonly DryRunCase[] = [
  {
    command: 'cluster create',
    argv: ['cluster', 'create', 'fresh', '--size', '100cc', '--replication-factor', '2'],
    says: /^Would create cluster fresh \(.*\n(.*\n)* {2}replication factor +2\n/,
    invalid: ['cluster', 'create', 'fresh', '--size', '99cc'],
  },
  {
    command: 'replica create',
    argv: ['replica', 'create', 'scratch.r2', '--size', '200cc'],
    says: /^Would create replica "r2" in cluster "scratch" \(u\d+\):\n {2}\+ replica r2 200cc, zones any\n$/,
    invalid: ['replica', 'create', 'prod.r2', '--size', '200cc'],
  },
  {
    command: 'object create',
    argv: ['object', 'create', 'orders_idx', '--cluster', 'scratch', '--type', 'index', '--replica', 'r2'],
    says: /^Would create index orders_idx on cluster scratch \(u\d+\), pinned to replica r2:\n {2}\+ index orders_idx\n$/,
    invalid: ['object', 'create', 'orders_idx', '--cluster', 'scratch', '--type', 'index', '--replica', 'r9'],
  },
  {
    command: 'object drop',
    argv: ['object', 'drop', 'orders_idx'],
    says: /^Would drop index orders_idx \(u\d+\) from cluster scratch .*\n {2}- index orders_idx \(u\d+\)\n$/,
    invalid: ['object', 'drop', 'nope'],
  },
  {
    command: 'replica drop',
    argv: ['replica', 'drop', 'scratch.r2'],
    says: /^Would drop replica "r2" \(u\d+\) of cluster "scratch" \(u\d+\):\n {2}- replica r2 \(u\d+\) 200cc\n$/,
    invalid: ['replica', 'drop', 'prod.r1'],
  },
  {
    command: 'flags set',
    argv: ['flags', 'set', 'enable_eager_delta_joins=on', '--cluster', 'prod'],
    says: /^\+ enable_eager_delta_joins = on for cluster prod \(u\d+\)\n$/,
    invalid: ['flags', 'set', 'enable_eager_delta_joins=maybe', '--cluster', 'prod'],
    arrayKey: 'changes',
  },
  {
    command: 'flags unset',
    argv: ['flags', 'unset', 'enable_eager_delta_joins', '--cluster', 'prod'],
    says: /^- enable_eager_delta_joins for cluster prod \(u\d+\) \(was on\)\n$/,
    invalid: ['flags', 'unset', 'enable_lgalloc', '--cluster', 'prod'],
    arrayKey: 'changes',
  },
  {
    command: 'size import',
    argv: ['size', 'import', sizesFile],
    says: /^ {2}\+ size 150cc\nWould import 2 sizes: 1 added, 0 updated, 0 removed\.\n$/,
    invalid: ['size', 'import', sizesFile, '--replace'],
  },
  {
    command: 'cluster drop',
    // No --yes and no terminal: a real drop would refuse to prompt; a dry run never asks.
    argv: ['cluster', 'drop', 'scratch', '--cascade'],
    says: /^Would drop cluster "scratch" \(u\d+\) with 1 replica and 1 object:\n {2}- replica r1 \(u\d+\) 100cc\n {2}- index scratch_mv \(u\d+\)\n$/,
    invalid: ['cluster', 'drop', 'scratch'],
  },
]

/** The real command for a case: `cluster drop` needs --yes without a terminal. */
const realArgv = (c: DryRunCase): string[] =>
  c.command === 'cluster drop' ? [...c.argv, '--yes'] : [...c.argv]

// The size file serves every backend's block: removed once, after all of them.
afterAll(() => rmSync(sizesDir, {recursive: true, force: true}))

describe.each(backends())('--dry-run writes nothing on %s', (backend) => {
  let catalog: TestCatalog
  const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, {catalog: catalog.location})

  async function dump(): Promise<string> {
    const text = await dumpCatalog(await catalog.reopen())
    await catalog.close() // the CLI needs the embedded catalog's lock
    return text
  }

  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    await catalog.close()
    for (const argv of [
      ['cluster', 'create', 'prod', '--size', '100cc'],
      ['cluster', 'create', 'scratch', '--unmanaged'],
      ['replica', 'create', 'scratch.r1', '--size', '100cc'],
      ['object', 'create', 'scratch_mv', '--cluster', 'scratch', '--type', 'index'],
    ]) {
      const result = await cli(argv)
      expect(result.code, result.stderr).toBe(0)
    }
  }, SLOW)
  afterAll(async () => {
    await catalog.destroy()
  })

  it.each(CASES)(
    '$command --dry-run: described, nothing written, the real fields under --json',
    {timeout: SLOW},
    async (c) => {
      const before = await dump()

      const human = await cli([...c.argv, '--dry-run'])
      expect(human.code, human.stderr).toBe(0)
      expect(human.stdout).toMatch(c.says)
      expect(human.stderr).toBe('Dry run: nothing written.\n')

      const dry = await cli([...c.argv, '--dry-run', '--json'])
      expect(dry.code, dry.stderr).toBe(0)
      const document = json<Record<string, unknown>>(dry)
      expect(document.dry_run).toBe(true)

      // The proof: every row of every table and every sequence is exactly as before.
      expect(await dump()).toBe(before)

      // The same fields as the real command's --json, and the same values where they are decided.
      const real = await cli([...realArgv(c), '--json'])
      expect(real.code, real.stderr).toBe(0)
      const written = json<unknown>(real)
      const {dry_run: _marker, ...fields} = document
      if (c.arrayKey) {
        expect(Object.keys(fields)).toEqual([c.arrayKey])
        expect(fields[c.arrayKey]).toEqual(written)
      } else {
        const realFields = written as Record<string, unknown>
        expect(Object.keys(fields).sort()).toEqual(Object.keys(realFields).sort())
        const undecided = new Set(['id', 'created_at']) // allocated, and stamped, by the write itself
        for (const key of Object.keys(realFields)) {
          if (!undecided.has(key)) expect([key, fields[key]]).toEqual([key, realFields[key]])
        }
      }
      expect(await dump()).not.toBe(before)
    },
  )

  // Refusals do not depend on the backend; they run once, on the faster one.
  describe.runIf(backend === backends().at(-1))('refusals', () => {
    it.each(CASES)(
      'an invalid $command --dry-run fails exactly as the real command',
      {timeout: SLOW},
      async (c) => {
        const before = await dump()
        const invalidDry = await cli([...c.invalid, '--dry-run'])
        const invalidReal = await cli(c.invalid)
        expect(invalidDry.code).toBe(2)
        expect(invalidDry.stdout).toBe('')
        expect({code: invalidDry.code, stderr: invalidDry.stderr}).toEqual({
          code: invalidReal.code,
          stderr: invalidReal.stderr,
        })
        expect(await dump()).toBe(before)
      },
    )
  })
})
