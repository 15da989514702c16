// The suite runs most commands inside its own process (test/support/in-process.ts). This file pins
// that such a run is what the binary does: the same exit code, stdout and stderr, byte for byte,
// for help, usage errors (text and --json), unknown commands, reads, writes, stdin, the working
// directory and exit codes a command sets itself.

import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {backends, freshCatalog, useWarmCatalogs, type TestCatalog} from '../support/catalogs.js'
import {runCli, type CliOptions} from '../support/cli.js'

useWarmCatalogs()

const SIZES = JSON.stringify([{name: '150cc', family: 'cc', workers: 3, processes: 1, memory_bytes: 12884901888, credits_per_hour: 1.5}])

describe.each(backends())('a command run in the test process matches the binary (%s catalog)', (backend) => {
  let catalog: TestCatalog
  let dir: string

  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    await catalog.close()
    dir = mkdtempSync(join(tmpdir(), 'mzcluster-harness-'))
    writeFileSync(join(dir, 'sizes.json'), SIZES)
  })

  afterAll(async () => {
    await catalog?.destroy()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  // Each case runs in the test process on cluster harness-a, then through the binary on harness-b:
  // the two runs write the same things under different names, in the same order.
  const cases: {name: string; code: number; args: (n: string) => string[]; options?: CliOptions}[] = [
    {name: 'root help', code: 0, args: () => ['--help']},
    {name: 'a topic help', code: 0, args: () => ['cluster', '--help']},
    {name: 'a command help', code: 0, args: () => ['cluster', 'alter', '--help']},
    {name: 'an unknown command', code: 2, args: () => ['clustr', 'list']},
    {name: 'an unknown flag', code: 2, args: () => ['cluster', 'list', '--frobnicate']},
    {name: 'an unknown flag under --json', code: 2, args: () => ['cluster', 'list', '--frobnicate', '--json']},
    {name: 'a refused value', code: 2, args: (n) => ['cluster', 'create', n, '--size', 'no-such-size']},
    {name: 'a create', code: 0, args: (n) => ['cluster', 'create', n, '--size', '25cc']},
    {name: 'a read as JSON', code: 0, args: (n) => ['cluster', 'show', n, '--json']},
    {name: 'a dry run', code: 0, args: (n) => ['cluster', 'drop', n, '--dry-run']},
    {name: 'a file read from the working directory', code: 0, args: () => ['size', 'import', 'sizes.json', '--dry-run'], options: {get cwd() {
      return dir
    }}},
    {name: 'stdin', code: 0, args: () => ['size', 'import', '-', '--dry-run', '--json'], options: {input: SIZES}},
    {name: 'an exit code the command sets (changes planned)', code: 4, args: () => ['plan', '--detailed-exitcode']},
  ]

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, {args, options, code}) => {
    const run = (name: string, binary: boolean) =>
      runCli(args(name), {...options, catalog: catalog.location, process: binary, env: {...options?.env, COLUMNS: '100'}})
    const inside = await run('harness-a', false)
    const binary = await run('harness-b', true)
    const normalise = (text: string) => text.replaceAll(/harness-[ab]/g, 'NAME').replace(/\bu\d+\b/g, 'ID').replace(/"created_at": \d+/g, '"created_at": TIME')
    expect({code: inside.code, stdout: normalise(inside.stdout), stderr: normalise(inside.stderr)}).toEqual({
      code: binary.code,
      stdout: normalise(binary.stdout),
      stderr: normalise(binary.stderr),
    })
    expect(inside.code).toBe(code)
    expect(inside.stdout + inside.stderr).not.toBe('')
  })
})
