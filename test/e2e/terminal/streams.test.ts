// Streams, command by command, piped as in a script: stdout holds only data (TSV with a header,
// plan text, a value) or, with --json, exactly one JSON document; confirmations ("Created
// cluster …", "altered.", "nothing to change") go to stderr.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {TestCatalog} from '../../support/catalogs.js'
import {freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import type {CliResult} from '../../support/cli.js'
import {runCli} from '../../support/cli.js'

useWarmCatalogs()

const LONG = 600_000

describe('stdout holds only data', () => {
  let catalog: TestCatalog
  const cli = (args: readonly string[], input?: string) =>
    runCli(args, {catalog: catalog.location, input, timeoutMs: 180_000})

  /** A write command piped without --json: exit 0, nothing on stdout, its confirmation on stderr. */
  async function quietWrite(args: readonly string[], confirmation: RegExp, input?: string): Promise<void> {
    const result = await cli(args, input)
    expect({args, code: result.code, stdout: result.stdout}).toEqual({args, code: 0, stdout: ''})
    expect(result.stderr).toMatch(confirmation)
  }

  /** Any command with --json: stdout is one JSON document and nothing else. */
  async function jsonOnly(args: readonly string[], input?: string): Promise<unknown> {
    const result = await cli([...args, '--json'], input)
    expect({args, code: result.code}).toEqual({args, code: 0})
    return parseWhole(result, args)
  }

  /** A read command piped: stdout starts with the expected first line (a TSV header). */
  async function data(args: readonly string[], firstLine: RegExp): Promise<void> {
    const result = await cli(args)
    expect({args, code: result.code}).toEqual({args, code: 0})
    expect(result.stdout.split('\n')[0]).toMatch(firstLine)
    expect(result.stderr).toBe('')
  }

  beforeAll(async () => {
    catalog = await freshCatalog('embedded')
    await catalog.close()
  })
  afterAll(async () => catalog.destroy())

  it(
    'write commands print their confirmation on stderr, or only JSON with --json',
    async () => {
      await quietWrite(['catalog', 'init'], /schema version/)
      await quietWrite(['cluster', 'create', 'prod', '--size', '100cc'], /^Created cluster "prod"/)
      await quietWrite(['cluster', 'create', 'scratch', '--unmanaged'], /^Created unmanaged cluster "scratch"/)
      expect(await jsonOnly(['cluster', 'create', 'web', '--size', '100cc'])).toMatchObject({name: 'web'})
      await quietWrite(['replica', 'create', 'scratch.r1', '--size', '100cc'], /r1/)
      expect(await jsonOnly(['replica', 'create', 'scratch.r2', '--size', '100cc'])).toMatchObject({name: 'r2'})
      await quietWrite(['replica', 'drop', 'scratch.r1'], /r1/)
      await jsonOnly(['replica', 'drop', 'scratch.r2'])
      await quietWrite(['object', 'create', 'idx', '--cluster', 'prod', '--type', 'index'], /idx/)
      expect(await jsonOnly(['object', 'create', 'idx2', '--cluster', 'prod', '--type', 'index'])).toMatchObject({name: 'idx2'})
      await quietWrite(['object', 'drop', 'idx'], /idx/)
      await jsonOnly(['object', 'drop', 'idx2'])
      await quietWrite(['flags', 'set', 'max_replicas_per_cluster=10'], /max_replicas_per_cluster/)
      await jsonOnly(['flags', 'set', 'max_replicas_per_cluster=12'])
      await quietWrite(['flags', 'unset', 'max_replicas_per_cluster'], /max_replicas_per_cluster/)
      await jsonOnly(['flags', 'unset', 'max_replicas_per_cluster'])
      const sizes = JSON.stringify(await jsonOnly(['size', 'list']))
      await quietWrite(['size', 'import', '--replace', '-'], /size/i, sizes)
      await jsonOnly(['size', 'import', '--replace', '-'], sizes)
      await quietWrite(['cluster', 'drop', 'web', '--yes'], /web/)
      await jsonOnly(['cluster', 'drop', 'scratch', '--yes'])
    },
    LONG,
  )

  it(
    'signals and alters print their confirmation on stderr',
    async () => {
      const applied = await cli(['tick'])
      expect(applied.code).toBe(0)
      expect(applied.stdout).toMatch(/^cluster prod \(u\d+\)\n[\s\S]*\nApplied: 1 created/)
      await quietWrite(['signal', 'online', 'prod.r1'], /prod\.r1|r1/)
      await jsonOnly(['signal', 'hydration', 'prod.r1'])
      // Changes that need no reconfiguration (no wait): a schedule and its hydration estimate.
      const onRefresh = ['cluster', 'alter', 'prod', '--schedule', 'on-refresh', '--hydration-time-estimate']
      await quietWrite([...onRefresh, '5m'], /prod: altered/)
      await quietWrite([...onRefresh, '5m'], /prod: nothing to change/)
      expect(await jsonOnly([...onRefresh, '6m'])).toMatchObject({
        cluster_name: 'prod',
      })
    },
    LONG,
  )

  it(
    'read commands print data: a TSV header first',
    async () => {
      await data(['cluster', 'list'], /^NAME\tREPLICAS\t/)
      await data(['replica', 'list'], /^REPLICA\t|^CLUSTER\t/)
      await data(['size', 'list'], /^NAME\tFAMILY\t/)
      await data(['object', 'list'], /^NAME\tTYPE\t/)
      await data(['audit'], /^ID\tTIME\t/)
      await data(['flags', 'params'], /^NAME\tSCOPE\t/)
      await data(['flags', 'dump'], /^SCOPE\tOBJECT\t/)
      await data(['catalog', 'status'], /^FIELD\tVALUE$/)
      await data(['plan'], /^(cluster |Plan: |No changes)/)
    },
    LONG,
  )

  it(
    'read commands with --json print one JSON document',
    async () => {
      for (const args of [
        ['cluster', 'list'],
        ['cluster', 'show', 'prod'],
        ['replica', 'list'],
        ['size', 'list'],
        ['object', 'list'],
        ['audit'],
        ['flags', 'params'],
        ['flags', 'dump'],
        ['catalog', 'status'],
        ['plan'],
      ]) {
        await jsonOnly(args)
      }
    },
    LONG,
  )

  it('an error under --json is one JSON document on stdout', async () => {
    const result = await cli(['cluster', 'show', 'prodd', '--json'])
    expect(result.code).toBe(2)
    expect(parseWhole(result, ['cluster', 'show', 'prodd'])).toMatchObject({
      error: {code: 'CLUSTER_NOT_FOUND', hint: expect.stringContaining('did you mean "prod"?')},
    })
  })
})

function parseWhole(result: CliResult, args: readonly string[]): unknown {
  try {
    return JSON.parse(result.stdout)
  } catch {
    throw new Error(`stdout of ${args.join(' ')} --json is not one JSON document:\n${result.stdout}\nstderr:\n${result.stderr}`)
  }
}
