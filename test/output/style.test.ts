import {describe, expect, it} from 'vitest'

import {decideColor, makeStyle, showControls} from '../../src/lib/output/style.js'

const ANSI = '\u001b['

describe('decideColor', () => {
  it.each([
    {
      case: 'a terminal with a normal TERM',
      isTTY: true,
      env: {TERM: 'xterm-256color'},
      flag: false,
      expected: true,
    },
    {case: 'a pipe', isTTY: false, env: {TERM: 'xterm'}, flag: false, expected: false},
    {case: 'NO_COLOR on a terminal', isTTY: true, env: {NO_COLOR: '1'}, flag: false, expected: false},
    {
      case: 'an empty NO_COLOR on a terminal (unset per no-color.org)',
      isTTY: true,
      env: {NO_COLOR: ''},
      flag: false,
      expected: true,
    },
    {case: '--no-color on a terminal', isTTY: true, env: {}, flag: true, expected: false},
    {case: 'TERM=dumb on a terminal', isTTY: true, env: {TERM: 'dumb'}, flag: false, expected: false},
    {case: 'FORCE_COLOR=1 on a pipe', isTTY: false, env: {FORCE_COLOR: '1'}, flag: false, expected: true},
    {
      case: 'FORCE_COLOR=1 with TERM=dumb',
      isTTY: true,
      env: {FORCE_COLOR: '1', TERM: 'dumb'},
      flag: false,
      expected: true,
    },
    {case: 'FORCE_COLOR=0 on a terminal', isTTY: true, env: {FORCE_COLOR: '0'}, flag: false, expected: false},
    {
      case: 'CLICOLOR_FORCE=1 on a pipe',
      isTTY: false,
      env: {CLICOLOR_FORCE: '1'},
      flag: false,
      expected: true,
    },
    {
      case: 'CLICOLOR_FORCE=0 on a pipe',
      isTTY: false,
      env: {CLICOLOR_FORCE: '0'},
      flag: false,
      expected: false,
    },
    {
      case: 'NO_COLOR beats FORCE_COLOR',
      isTTY: true,
      env: {NO_COLOR: '1', FORCE_COLOR: '1'},
      flag: false,
      expected: false,
    },
    {
      case: '--no-color beats FORCE_COLOR',
      isTTY: false,
      env: {FORCE_COLOR: '3'},
      flag: true,
      expected: false,
    },
  ])('is $expected for $case', ({isTTY, env, flag, expected}) => {
    expect(decideColor({isTTY, env, noColorFlag: flag})).toBe(expected)
  })
})

describe('makeStyle', () => {
  it('emits ANSI codes when enabled, whatever chalk would detect on its own', () => {
    const style = makeStyle(true)
    expect(style.add('+')).toContain(ANSI)
    expect(style.remove('-')).toContain(ANSI)
    expect(style.change('~')).toContain(ANSI)
  })

  it('returns text unchanged when disabled', () => {
    const style = makeStyle(false)
    for (const paint of [
      style.add,
      style.remove,
      style.change,
      style.dim,
      style.bold,
      style.warn,
      style.error,
      style.heading,
    ]) {
      expect(paint('text')).toBe('text')
    }
  })
})

describe('showControls', () => {
  it('makes newlines, tabs and escape sequences visible so they cannot reach the terminal', () => {
    expect(showControls('a\nb\tc\u001b[31md')).toBe('a\\nb\\tc\\u001b[31md')
  })

  it('leaves quotes, backslashes and Unicode alone', () => {
    expect(showControls(`"café"; \\ 集群`)).toBe(`"café"; \\ 集群`)
  })
})
