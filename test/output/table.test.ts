import {describe, expect, it} from 'vitest'

import {escapeTsv, formatCell, renderRows, type Column} from '../../src/lib/output/table.js'

const ANSI = '\u001b['

const columns: Column[] = [
  {key: 'name', header: 'NAME'},
  {key: 'replicas', header: 'REPLICAS', align: 'right'},
  {key: 'zones', header: 'ZONES'},
]

const rows = [
  {name: 'prod', replicas: 2, zones: ['az1', 'az2']},
  {name: 'a longer name', replicas: 12, zones: []},
]

describe('renderRows piped (TSV)', () => {
  it('prints a header line then one tab-separated record per line', () => {
    expect(renderRows(columns, rows, {tty: false, color: false})).toBe(
      ['NAME\tREPLICAS\tZONES', 'prod\t2\taz1,az2', 'a longer name\t12\t'].join('\n'),
    )
  })

  it('prints only the header when there are no rows', () => {
    expect(renderRows(columns, [], {tty: false, color: false})).toBe('NAME\tREPLICAS\tZONES')
  })

  it('escapes tabs, newlines and backslashes so each record stays on one line', () => {
    const out = renderRows([{key: 'v', header: 'V'}], [{v: 'a\tb\nc\\d\re'}], {tty: false, color: false})
    expect(out.split('\n')).toEqual(['V', 'a\\tb\\nc\\\\d\\re'])
  })

  it('never colours, even when colour is on', () => {
    expect(renderRows(columns, rows, {tty: false, color: true})).not.toContain(ANSI)
  })

  it('does not truncate long values', () => {
    const long = 'x'.repeat(500)
    expect(renderRows([{key: 'v', header: 'V'}], [{v: long}], {tty: false, color: false})).toBe(`V\n${long}`)
  })
})

describe('renderRows on a terminal', () => {
  it('aligns columns under a header with two-space gaps and no borders', () => {
    expect(renderRows(columns, rows, {tty: true, color: false})).toBe(
      [
        'NAME           REPLICAS  ZONES', //
        'prod                  2  az1,az2',
        'a longer name        12',
      ].join('\n'),
    )
  })

  it('contains no ANSI codes when colour is off', () => {
    expect(renderRows(columns, rows, {tty: true, color: false})).not.toContain(ANSI)
  })

  it('styles the header when colour is on', () => {
    const out = renderRows(columns, rows, {tty: true, color: true})
    expect(out.split('\n')[0]).toContain(ANSI)
    expect(out.split('\n')[1]).not.toContain(ANSI)
  })

  it('shows control characters in values as escapes instead of emitting them', () => {
    const out = renderRows([{key: 'v', header: 'V'}], [{v: 'evil\u001b[2Jname\nnext'}], {
      tty: true,
      color: false,
    })
    expect(out).toBe('V\nevil\\u001b[2Jname\\nnext')
  })
})

describe('formatCell', () => {
  it.each([
    ['null', null, ''],
    ['undefined', undefined, ''],
    ['true', true, 'true'],
    ['false', false, 'false'],
    ['zero', 0, '0'],
    ['an array', ['a', 'b'], 'a,b'],
    ['an object', {log_logging: false, interval_ms: 1000}, '{"log_logging":false,"interval_ms":1000}'],
    ['a date', new Date(Date.UTC(2026, 10, 22, 3, 4, 5)), '2026-11-22T03:04:05.000Z'],
  ])('formats %s as %j', (_label, value, expected) => {
    expect(formatCell(value)).toBe(expected)
  })
})

describe('formatCell with bigints', () => {
  it('prints catalog bigints in decimal, alone and inside objects', () => {
    expect(formatCell(12n)).toBe('12')
    expect(formatCell({deadline: 1795341600000n})).toBe('{"deadline":1795341600000}')
  })
})

describe('escapeTsv', () => {
  it('leaves values without tabs, newlines or backslashes untouched', () => {
    expect(escapeTsv(`it's "quoted"; 集群`)).toBe(`it's "quoted"; 集群`)
  })
})

describe('renderRows fitted to the terminal width', () => {
  const clusterColumns: Column[] = [
    {key: 'name', header: 'NAME'},
    {key: 'replicas', header: 'REPLICAS'},
    {key: 'activity', header: 'ACTIVITY'},
    {key: 'size', header: 'SIZE'},
    {key: 'rf', header: 'RF', align: 'right'},
  ]
  const longName = `billing_${'x'.repeat(62)}`
  const clusterRows = [
    {name: longName, replicas: 'r1 (100cc), r2 (200cc)', activity: 'reconfiguring size to 200cc', size: '100cc', rf: 2},
    {name: 'prod', replicas: 'r1 (200cc)', activity: '', size: '200cc', rf: 1},
  ]
  const widths = (text: string) => text.split('\n').map((line) => [...line].length)

  it('cuts the widest free-text column with … so no line exceeds 80 cells', () => {
    const out = renderRows(clusterColumns, clusterRows, {tty: true, color: false, width: 80})
    expect(Math.max(...widths(out))).toBeLessThanOrEqual(80)
    expect(out.split('\n')).toHaveLength(3)
    expect(out).toContain('billing_xxx')
    expect(out).toContain('…')
    // The numbers are never cut.
    expect(out.split('\n')[1]).toMatch(/100cc +2$/)
  })

  it('leaves a table that already fits unchanged', () => {
    const narrow = renderRows(columns, rows, {tty: true, color: false, width: 80})
    expect(narrow).toBe(renderRows(columns, rows, {tty: true, color: false}))
    expect(narrow).not.toContain('…')
  })

  it('shrinks only what it must: the widest column first', () => {
    const out = renderRows(
      [
        {key: 'a', header: 'A'},
        {key: 'b', header: 'B'},
      ],
      [{a: 'short', b: 'y'.repeat(40)}],
      {tty: true, color: false, width: 30},
    )
    expect(out.split('\n')[1]).toBe(`short  ${'y'.repeat(22)}…`)
  })

  it('cuts lines on a terminal narrower than the headers rather than wrapping', () => {
    const out = renderRows(clusterColumns, clusterRows, {tty: true, color: true, width: 20})
    // eslint-disable-next-line no-control-regex
    expect(Math.max(...widths(out.replace(/\u001b\[[0-9;]*m/g, '')))).toBeLessThanOrEqual(20)
  })

  it('counts wide characters as two cells', () => {
    const out = renderRows([{key: 'v', header: 'V'}], [{v: '集群'.repeat(20)}], {tty: true, color: false, width: 11})
    expect(out.split('\n')[1]).toBe('集群集群集…')
  })

  it('never cuts piped output, whatever the width', () => {
    const out = renderRows(clusterColumns, clusterRows, {tty: false, color: false, width: 80})
    expect(out.split('\n')[1]?.startsWith(`${longName}\t`)).toBe(true)
    expect(out).not.toContain('…')
  })
})
