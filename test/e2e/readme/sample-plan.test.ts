// The README's sample `plan` output is what `plan` prints on a fresh demo catalog.

import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'
import {runCli} from '../../support/cli.js'

const README = join(import.meta.dirname, '..', '..', '..', 'README.md')

/** The first fenced block after "`plan` reads like terraform:". */
function samplePlan(markdown: string): string {
  const start = markdown.indexOf('`plan` reads like terraform:')
  if (start < 0) throw new Error('no sample plan in the README')
  const match = /```\n([\s\S]*?)```/.exec(markdown.slice(start))
  if (!match?.[1]) throw new Error('no fenced block after the sample plan heading')
  return match[1]
}

describe('README sample plan', () => {
  const parent = mkdtempSync(join(tmpdir(), 'mzcluster-readme-plan-'))
  afterAll(() => rmSync(parent, {recursive: true, force: true}))

  it('equals what plan prints on a fresh demo catalog', {timeout: 600_000}, async () => {
    const catalog = join(parent, 'catalog')
    const init = await runCli(['catalog', 'init', '--demo'], {catalog, timeoutMs: 300_000})
    expect(init.code, init.stderr).toBe(0)
    const plan = await runCli(['plan'], {catalog, timeoutMs: 300_000})
    expect(plan.code, plan.stderr).toBe(0)
    expect(plan.stdout).toBe(samplePlan(readFileSync(README, 'utf8')))
  })
})
