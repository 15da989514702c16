// The README's scripting recipes run as written: every ```sh block of its "Scripting recipes"
// section runs, in order, in bash with `mzcluster` on PATH (as the README says to put it there),
// against a fresh catalog holding one cluster `prod`, and must exit 0.

import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, symlinkSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {TestCatalog} from '../../support/catalogs.js'
import {freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import {BIN, runCli} from '../../support/cli.js'

useWarmCatalogs()

const README = join(import.meta.dirname, '..', '..', '..', 'README.md')

/** The ```sh blocks of one `## ` section of a Markdown file. */
export function shellBlocks(markdown: string, heading: string): string[] {
  const start = markdown.indexOf(`\n## ${heading}\n`)
  if (start < 0) throw new Error(`no section "${heading}"`)
  const next = markdown.indexOf('\n## ', start + 1)
  const section = markdown.slice(start, next < 0 ? undefined : next)
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] ?? '')
}

function bash(script: string, env: NodeJS.ProcessEnv): Promise<{code: number; output: string}> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {env, stdio: ['ignore', 'pipe', 'pipe']})
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => resolve({code: code ?? 1, output}))
  })
}

describe('README scripting recipes', () => {
  let catalog: TestCatalog
  let binDir: string
  beforeAll(async () => {
    catalog = await freshCatalog('embedded')
    await catalog.close()
    for (const args of [
      ['cluster', 'create', 'prod', '--size', '100cc'],
      // Simulated hydration, so the waits in the recipes finish without an orchestrator.
      ['flags', 'set', 'signal_source=simulated', 'simulated_hydration_delay=1s'],
      ['tick'],
    ]) {
      const result = await runCli(args, {catalog: catalog.location, timeoutMs: 120_000})
      expect(result.code, result.stderr).toBe(0)
    }
    binDir = mkdtempSync(join(tmpdir(), 'mzcluster-bin-'))
    symlinkSync(BIN, join(binDir, 'mzcluster'))
  }, 300_000)
  afterAll(async () => {
    rmSync(binDir, {recursive: true, force: true})
    await catalog.destroy()
  })

  it('finds the recipes, each starting with set -o pipefail', () => {
    const blocks = shellBlocks(readFileSync(README, 'utf8'), 'Scripting recipes')
    expect(blocks.length).toBeGreaterThanOrEqual(5)
    for (const block of blocks.slice(1)) expect(block).toMatch(/^(#.*\n)*set -o pipefail\n/)
  })

  it('runs every recipe with exit code 0', async () => {
    const blocks = shellBlocks(readFileSync(README, 'utf8'), 'Scripting recipes')
    const home = mkdtempSync(join(tmpdir(), 'mzcluster-home-'))
    try {
      const env = {
        ...process.env,
        HOME: home,
        PATH: `${binDir}:${join(home, '.local', 'bin')}:${process.env.PATH ?? ''}`,
        MZCLUSTER_CATALOG: catalog.location,
        CI: '1',
      }
      for (const block of blocks) {
        // The PATH block links from the clone: run it there.
        const result = await bash(`cd ${JSON.stringify(join(BIN, '..', '..'))}\n${block}`, env)
        expect({block, code: result.code, output: result.output}).toMatchObject({block, code: 0})
      }
    } finally {
      rmSync(home, {recursive: true, force: true})
    }
  }, 600_000)
})
