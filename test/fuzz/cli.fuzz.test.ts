// Bad-input fuzzing of every command through the built CLI, on one embedded catalog. The
// commands are enumerated from `--help`; the inputs (test/fuzz/inputs.ts) are chosen by a fixed
// seed. Every input must be refused the documented way: exit 2, no stack trace, at most three
// lines on stderr, nothing on stdout (or one JSON error document under --json), and the catalog
// unchanged: row counts and contents of every mzcluster table, the highest audit id and every
// sequence, compared per command by opening the catalog between batches.

import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Queryable} from '../../src/lib/catalog/db.js'
import type {CliResult} from '../support/cli.js'
import {runCli} from '../support/cli.js'
import type {TestCatalog} from '../support/catalogs.js'
import {freshCatalog, useWarmCatalogs} from '../support/catalogs.js'
import type {Files, FuzzInput} from './inputs.js'
import {chooseInputs, COMMANDS, REQUIRED_CATEGORIES, SEED} from './inputs.js'

useWarmCatalogs()

/** Deterministic environment: no flag source, no DATABASE_URL, no oclif dev warnings. */
const ENV = {
  NODE_ENV: undefined,
  DATABASE_URL: undefined,
  MZCLUSTER_FLAGS_FILE: undefined,
  MZCLUSTER_LD_SDK_KEY: undefined,
  MZCLUSTER_LD_KEY_MAP: undefined,
  MZCLUSTER_LD_BASE_URI: undefined,
}

const SIZE = {name: 'x', workers: 1, processes: 1, memory_bytes: 1024, credits_per_hour: 0}
const SIZE_FILES: Record<string, string> = {
  malformed: '{not json',
  truncated: '[{"name": "x", "workers": 1',
  wrongTypes: JSON.stringify([{...SIZE, workers: '2'}]),
  negative: JSON.stringify([{...SIZE, workers: -2, memory_bytes: -5}]),
  hugeWorkers: JSON.stringify([{...SIZE, workers: 3_000_000_000}]),
  infinite: '[{"name": "x", "workers": 1e400, "processes": 1, "memory_bytes": 1, "credits_per_hour": 0}]',
  hugeMemory: JSON.stringify([{...SIZE, memory_bytes: 1e30}]),
  hugeLimit: JSON.stringify({m: {workers: 1, scale: 1, memory_limit: '99999999999999999999GiB', credits_per_hour: '0.5'}}),
  empty: '[]',
  scalar: '42',
  duplicate: JSON.stringify([SIZE, SIZE]),
  controlName: JSON.stringify([{...SIZE, name: 'bad\u0007size'}]),
  nameNotString: JSON.stringify([{...SIZE, name: 5}]),
  negativeCredits: JSON.stringify([{...SIZE, credits_per_hour: -1}]),
  emptyFamily: JSON.stringify([{...SIZE, family: ''}]),
  // Valid, but --replace would remove 100cc, which clusters use: refused.
  removesUsed: JSON.stringify([{...SIZE, name: 'only'}]),
}
const FLAG_FILES: Record<string, string> = {
  flagsMalformed: '{not json',
  flagsTruncated: '{"flags":',
  flagsNotObject: '[1, 2]',
  flagsFlagsNotObject: '{"flags": 5}',
  flagsNoVariations: '{"flags": {"enable_eager_delta_joins": {"key": "enable_eager_delta_joins", "on": true, "variations": "nope"}}}',
  flagsSegmentsNotObject: '{"segments": 5}',
  flagsString: '"just a string"',
  flagsValid: '{"flags": {}}',
}

interface Snapshot {
  readonly tables: Record<string, {rows: number; digest: string}>
  readonly maxAuditId: number | null
  readonly sequences: Record<string, string>
}

/** Every mzcluster table (row count and content digest), the highest audit id, every sequence. */
async function snapshot(q: Queryable): Promise<Snapshot> {
  const tables: Snapshot['tables'] = {}
  const names = await q.query<{name: string}>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'mzcluster' AND table_type = 'BASE TABLE' ORDER BY 1",
  )
  expect(names.length).toBeGreaterThanOrEqual(15)
  for (const {name} of names) {
    const [row] = await q.query<{rows: number; digest: string}>(
      `SELECT count(*)::int AS rows, md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest FROM mzcluster."${name}" t`,
    )
    tables[name] = row as {rows: number; digest: string}
  }
  const [audit] = await q.query<{max: number | null}>('SELECT max(id)::int AS max FROM mzcluster.audit_events')
  const sequences: Record<string, string> = {}
  const seqs = await q.query<{name: string}>(
    "SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'mzcluster' AND c.relkind = 'S' ORDER BY 1",
  )
  expect(seqs.map((s) => s.name)).toEqual(expect.arrayContaining(['user_cluster_ids', 'user_replica_ids', 'user_object_ids']))
  for (const {name} of seqs) {
    const [row] = await q.query<{last_value: number | string; is_called: boolean}>(`SELECT last_value, is_called FROM mzcluster."${name}"`)
    sequences[name] = `${row?.last_value}/${row?.is_called}`
  }
  return {tables, maxAuditId: audit?.max ?? null, sequences}
}

/** `COMMANDS` lines of a help page: `  cluster create   Create …` → `cluster create`. */
function helpCommands(help: string): string[] {
  const section = help.split(/^COMMANDS$/m)[1] ?? ''
  const body = section.split(/^\S/m)[0] ?? ''
  return [...body.matchAll(/^ {2}(\S+(?: \S+)*?)(?: {2,}|$)/gm)].map((match) => match[1] as string)
}

function topics(help: string): string[] {
  const section = help.split(/^TOPICS$/m)[1] ?? ''
  const body = section.split(/^\S/m)[0] ?? ''
  return [...body.matchAll(/^ {2}(\S+) {2,}/gm)].map((match) => match[1] as string)
}

const show = (text: string) => JSON.stringify(text.length > 400 ? `${text.slice(0, 400)}…` : text)

/** Everything wrong with how `result` refused `input` (empty: refused as documented). */
function refusalProblems(input: FuzzInput, result: CliResult): string[] {
  const problems: string[] = []
  if (result.code !== 2) problems.push(`exit ${result.code}, expected 2`)
  if (/^\s+at /m.test(result.stderr) || /^\s+at /m.test(result.stdout)) problems.push('stack trace in the output')
  const lines = result.stderr.trimEnd().split('\n')
  if (lines.length > 3) problems.push(`${lines.length} lines on stderr`)
  if (input.json) {
    let document: unknown
    try {
      document = JSON.parse(result.stdout)
    } catch {
      problems.push(`stdout is not JSON: ${show(result.stdout)}`)
    }
    if (document !== undefined) {
      const error = (document as {error?: Record<string, unknown>}).error
      if (error === undefined || Object.keys(document as object).length !== 1) problems.push(`not a JSON error document: ${show(result.stdout)}`)
      else {
        if (typeof error.code !== 'string' || typeof error.message !== 'string' || error.message === '') problems.push('JSON error lacks code/message')
        if (error.exit_code !== result.code) problems.push(`JSON exit_code ${String(error.exit_code)} ≠ exit ${result.code}`)
      }
    }
    if (result.stderr.trim() !== '') problems.push(`stderr under --json: ${show(result.stderr)}`)
  } else {
    if (result.stdout !== '') problems.push(`stdout not empty: ${show(result.stdout)}`)
    if (!/^Error: \S/.test(lines[0] ?? '')) problems.push(`stderr does not start with "Error: ": ${show(result.stderr)}`)
  }
  return problems
}

describe(`bad-input fuzzing through the CLI (embedded catalog, seed ${SEED})`, () => {
  let catalog: TestCatalog
  let dir: string
  let files: Files
  let inputs: FuzzInput[] = []
  let available = new Set<string>()
  let last: Snapshot
  let fuzzed = 0

  const cli = (argv: readonly string[]) => runCli(argv, {catalog: catalog.location, env: ENV, timeoutMs: 30_000})

  /**
   * The command words, the input's words, then --json when asked; an input that ends in a flag
   * left without its value gets --json before its words instead (it would become the value). The
   * catalog is passed by runCli (MZCLUSTER_CATALOG), so no --catalog word changes how oclif routes
   * the words that follow the command.
   */
  const invocation = (input: FuzzInput) =>
    input.category === 'missing-value'
      ? [...input.command.split(' '), ...(input.json ? ['--json'] : []), ...input.argv]
      : [...input.command.split(' '), ...input.argv, ...(input.json ? ['--json'] : [])]

  beforeAll(async () => {
    catalog = await freshCatalog('embedded')
    await catalog.close()
    for (const argv of [
      ['cluster', 'create', 'prod', '--size', '100cc'],
      ['cluster', 'create', 'manual', '--unmanaged'],
      ['replica', 'create', 'manual.r1', '--size', '100cc'],
      ['object', 'create', 'mv', '--cluster', 'prod', '--type', 'materialized-view', '--refresh-every', '1h'],
      ['tick'],
    ]) {
      const result = await cli(argv)
      expect(result, argv.join(' ')).toMatchObject({code: 0})
    }
    dir = mkdtempSync(join(tmpdir(), 'mzcluster-fuzz-'))
    const paths: Record<string, string> = {missing: join(dir, 'does-not-exist.json'), directory: dir}
    for (const [name, text] of Object.entries({...SIZE_FILES, ...FLAG_FILES})) {
      paths[name] = join(dir, `${name}.json`)
      writeFileSync(paths[name], text)
    }
    files = paths
    inputs = chooseInputs(files)

    // Enumerate the commands from the help pages, as a user would.
    const root = await runCli(['--help'], {env: ENV})
    expect(root.code).toBe(0)
    const found = helpCommands(root.stdout)
    for (const topic of topics(root.stdout)) {
      const page = await runCli([topic, '--help'], {env: ENV})
      expect(page.code).toBe(0)
      found.push(...helpCommands(page.stdout))
    }
    available = new Set(found)
    const db = await catalog.reopen()
    last = await snapshot(db)
    await catalog.close()
  })

  afterAll(async () => {
    process.stderr.write(`\n[mzcluster fuzz] ${fuzzed} bad inputs fuzzed over ${Object.keys(COMMANDS).length} commands (seed ${SEED}).\n`)
    await catalog?.destroy()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('covers every command --help lists (run excluded: it does not exit; help and autocomplete are oclif plugins) and every kind of bad input', () => {
    expect(available.size).toBeGreaterThan(20)
    const listed = [...available].filter((command) => !['run', 'help', 'autocomplete'].includes(command)).sort()
    expect(Object.keys(COMMANDS).sort()).toEqual(listed)
    const covered = new Set(inputs.map((input) => input.category))
    for (const category of REQUIRED_CATEGORIES) expect(covered.has(category), category).toBe(true)
    for (const command of Object.keys(COMMANDS)) expect(inputs.some((input) => input.command === command), command).toBe(true)
    expect(inputs.length).toBeGreaterThanOrEqual(75)
    expect(inputs.length).toBeLessThanOrEqual(100)
    expect(inputs.filter((input) => input.json).length).toBeGreaterThan(10)
  })

  it.each(Object.keys(COMMANDS))('%s: every bad input is refused with exit 2 and writes nothing', async (command) => {
    if (!available.has(command)) {
      process.stderr.write(`[mzcluster fuzz] NOTE: \`${command}\` is not in this build's --help; its inputs are skipped.\n`)
      return
    }
    const problems: string[] = []
    for (const input of inputs.filter((candidate) => candidate.command === command)) {
      const result = await cli(invocation(input))
      fuzzed++
      const wrong = refusalProblems(input, result)
      if (wrong.length > 0) {
        problems.push(`${JSON.stringify(invocation(input))} [${input.category}]: ${wrong.join('; ')}\n    stderr: ${show(result.stderr)}`)
      }
    }
    const db = await catalog.reopen()
    const now = await snapshot(db)
    await catalog.close()
    expect(problems).toEqual([])
    expect(now, `the catalog changed during the ${command} inputs`).toEqual(last)
    last = now
  }, 240_000)

  it('the snapshot sees a write (so "unchanged" means something)', async () => {
    const result = await cli(['cluster', 'create', 'probe', '--size', '100cc'])
    expect(result.code).toBe(0)
    const db = await catalog.reopen()
    const now = await snapshot(db)
    await catalog.close()
    expect(now.tables.clusters?.rows).toBe((last.tables.clusters?.rows ?? 0) + 1)
    expect(now.maxAuditId).toBeGreaterThan(last.maxAuditId ?? 0)
    expect(now.sequences.user_cluster_ids).not.toBe(last.sequences.user_cluster_ids)
  })
})
