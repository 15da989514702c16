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
