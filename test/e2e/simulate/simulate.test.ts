// `simulate` and `history` through the built binary: --json puts only the document on stdout, the
// picture files are written, piped text has no chart, and a bad event exits 2 with nothing on stdout.

import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {seedDemo} from '../../../src/lib/demo.js'
import type {Backend, TestCatalog} from '../../support/catalogs.js'
import {backends, freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import {json, runCli} from '../../support/cli.js'

useWarmCatalogs()

const T0 = Date.UTC(2026, 10, 30, 2, 0, 0)

describe.each(backends())('simulate and history through the CLI (%s)', (backend: Backend) => {
  let catalog: TestCatalog
  let dir: string
  const cli = (...args: string[]) => runCli(args, {catalog: catalog.location, timeoutMs: 120_000})

  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    await seedDemo(catalog.db, T0)
    await catalog.close()
    dir = mkdtempSync(join(tmpdir(), 'mzcluster-simulate-'))
  })
  afterAll(async () => {
    await catalog?.destroy()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('simulate --json --svg: the document alone on stdout, the chart in the file', async () => {
    const svg = join(dir, 'chart.svg')
    const result = await cli('simulate', '--now', String(T0), '--json', '--svg', svg, '--event', '+10m cluster alter prod --size 400cc')
    expect(result.code).toBe(0)
    const document = json<{from: number; until: number; events: {kind: string}[]; credits_total: number}>(result)
    expect(document.from).toBe(T0)
    expect(document.until).toBe(T0 + 86_400_000)
    expect(document.events.map((event) => event.kind)).toContain('reconfiguration')
    expect(readFileSync(svg, 'utf8')).toMatch(/^<svg /)
    expect(result.stderr).toContain(`Wrote the timeline chart to ${svg}.`)
  })

  it('simulate piped: plan lines with a time column and the summary, no chart', async () => {
    const result = await cli('simulate', '--now', String(T0), '--until', '+2h')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^\+0s\s+search\s+~ reconfiguration in-progress → finalized/m)
    expect(result.stdout).toContain('Credits consumed over 2h:')
    expect(result.stdout).not.toMatch(/[▁▂▃▄▅▆▇█]/)
  })

  it('a bad event exits 2 and prints nothing on stdout', async () => {
    const html = join(dir, 'never.html')
    const result = await cli('simulate', '--now', String(T0), '--html', html, '--event', '+10m cluster alter prod --size 999cc')
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toContain('unknown cluster replica size "999cc"')
    expect(existsSync(html)).toBe(false)
  })

  it('history --json and --html', async () => {
    const html = join(dir, 'history.html')
    const result = await cli('history', '--since', String(T0 - 3_600_000), '--until', String(T0 + 3_600_000), '--json', '--html', html)
    expect(result.code).toBe(0)
    const document = json<{replicas: {cluster: string; replica: string; created: number}[]; credits_total: number}>(result)
    // In creation order, at the times the demo's audit log gives them (search.r1 3h before the
    // seed, prod's replicas 2h, search's reconfiguration target r2 10 minutes).
    expect(document.replicas.map((span) => [span.cluster, span.replica, span.created - T0])).toEqual([
      ['search', 'r1', -3 * 3_600_000],
      ['prod', 'r1', -2 * 3_600_000],
      ['prod', 'r2', -2 * 3_600_000],
      ['search', 'r2', -600_000],
    ])
    expect(readFileSync(html, 'utf8')).toMatch(/^<!doctype html>/)
  })
})
