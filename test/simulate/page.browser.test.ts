// The --html page in a real headless browser (Debian's chromium through puppeteer-core): it renders
// from a file URL without console errors, the chart has one lane per cluster, the event table has a
// row per event, both colour schemes draw a chart, and a screenshot is not blank. Skipped, saying
// why, where /usr/bin/chromium is absent — except in CI (CI=true), where it is mandatory.

import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {pathToFileURL} from 'node:url'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {seedDemo} from '../../src/lib/demo.js'
import {renderTimelineHtml} from '../../src/lib/simulate/html.js'
import {runSimulate} from '../../src/lib/simulate/operation.js'
import type {Timeline} from '../../src/lib/simulate/timeline.js'
import {eventCommands} from '../../src/simulate-event-commands.js'
import type {TestCatalog} from '../support/catalogs.js'
import {freshCatalog} from '../support/catalogs.js'

const CHROMIUM = '/usr/bin/chromium'
const available = existsSync(CHROMIUM)
const required = process.env.CI === 'true'
if (!available && !required) {
  process.stderr.write(`[page.browser.test] skipped: ${CHROMIUM} is not installed (apt-get install -y chromium); mandatory when CI=true\n`)
}

const T0 = Date.UTC(2026, 10, 30, 2, 0, 0)

/** Browser-side: decode a PNG on a canvas and count the pixels darker than the near-white page. */
const COUNT_PAINTED_PIXELS = (base64: string): string => `(async () => {
  const image = new Image()
  image.src = 'data:image/png;base64,${base64}'
  await image.decode()
  const canvas = document.createElement('canvas')
  canvas.width = image.width
  canvas.height = image.height
  const context = canvas.getContext('2d')
  context.drawImage(image, 0, 0)
  const data = context.getImageData(0, 0, image.width, image.height).data
  let painted = 0
  for (let i = 0; i < data.length; i += 4) if (data[i] < 235 || data[i + 1] < 235 || data[i + 2] < 235) painted++
  return {painted, total: data.length / 4, width: image.width}
})()`

describe.skipIf(!available && !required)(`the --html page in headless chromium${available ? '' : ` (${CHROMIUM} missing)`}`, () => {
  let catalog: TestCatalog
  let dir: string
  let timeline: Timeline
  let pageFile: string

  beforeAll(async () => {
    expect(existsSync(CHROMIUM), `${CHROMIUM} is required when CI=true`).toBe(true)
    catalog = await freshCatalog('embedded')
    await seedDemo(catalog.db, T0)
    timeline = await runSimulate(catalog.db, {now: String(T0), events: ['+10m cluster alter prod --size 400cc']}, await eventCommands())
    dir = mkdtempSync(join(tmpdir(), 'mzcluster-page-'))
    pageFile = join(dir, 'simulate.html')
    writeFileSync(pageFile, await renderTimelineHtml(timeline))
  })
  afterAll(async () => {
    await catalog?.destroy()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  it('renders without console errors, one lane per cluster, the event rows, and a screenshot that is not blank', async () => {
    const {default: puppeteer} = await import('puppeteer-core')
    const browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        `--user-data-dir=${join(dir, 'profile')}`,
      ],
    })
    try {
      const page = await browser.newPage()
      const problems: string[] = []
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text())
      })
      page.on('pageerror', (error) => problems.push(String(error)))
      page.on('requestfailed', (request) => problems.push(`request failed: ${request.url()}`))
      const requests: string[] = []
      page.on('request', (request) => requests.push(request.url()))
      await page.setViewport({width: 1200, height: 900})
      await page.goto(pathToFileURL(pageFile).href, {waitUntil: 'load'})

      expect(problems).toEqual([])
      // Self-contained: the page itself is the only thing loaded.
      expect(requests.every((url) => url.startsWith('file:'))).toBe(true)

      const lanes = await page.$eval('.chart.light svg', (svg) => {
        const axis = [...svg.querySelectorAll('[aria-label]')].map((node) => node.getAttribute('aria-label') ?? '').find((label) => label.startsWith('Y-axis for a discrete scale'))
        return axis ?? ''
      })
      expect(lanes).toBe(`Y-axis for a discrete scale with ${timeline.clusters.length} values: ${timeline.clusters.join(', ')}`)
      expect(timeline.clusters).toEqual(['prod', 'search', 'analytics', 'reports', 'ingest'])

      const rows = await page.$$eval('#events tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)))
      expect(rows).toHaveLength(timeline.events.length)
      expect(rows).toContainEqual([new Date(T0 + 10 * 60_000).toISOString(), 'prod', 'event', '', '', 'cluster alter prod --size 400cc'])
      expect(await page.$eval('#events caption', (caption) => caption.textContent)).toMatch(/create/)

      const summary = await page.$$eval('.summary li', (items) => items.map((item) => item.textContent))
      expect(summary[0]).toMatch(/^Credits consumed over 24h: /)

      // Light mode shows the light chart; dark mode the dark one.
      const visible = () => page.$$eval('.chart', (charts) => charts.filter((chart) => (chart as unknown as {checkVisibility(): boolean}).checkVisibility()).map((chart) => chart.className))
      expect(await visible()).toEqual(['chart light'])
      await page.emulateMediaFeatures([{name: 'prefers-color-scheme', value: 'dark'}])
      expect(await visible()).toEqual(['chart dark'])
      await page.emulateMediaFeatures([{name: 'prefers-color-scheme', value: 'light'}])

      // Not blank: a good share of the chart's pixels differ from the page background.
      const chart = await page.$('.chart.light')
      const png = await (chart as NonNullable<typeof chart>).screenshot({type: 'png'})
      writeFileSync(join(dir, 'chart.png'), png)
      const share = (await page.evaluate(COUNT_PAINTED_PIXELS(Buffer.from(png).toString('base64')))) as {painted: number; total: number; width: number}
      expect(share.width).toBeGreaterThan(400)
      expect(share.painted / share.total).toBeGreaterThan(0.03)
    } finally {
      await browser.close()
    }
  }, 180_000)
})
