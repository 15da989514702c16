// Help and shell completion through the built binary. The base command is non-strict so that
// oclif's space-separated routing works, which would make every USAGE line read `NAME...`;
// src/help.ts shows each command's declared strictness instead, so a single-name command reads
// `cluster show NAME` and only a truly variadic one (`flags set SETTING...`) shows `...`. Shell
// completion comes from @oclif/plugin-autocomplete: `autocomplete --refresh-cache` writes the
// completion functions into the cache directory (a temporary XDG_CACHE_HOME here, with HOME
// beside it, so the real home is never touched) and `autocomplete script SHELL` prints the line a
// shell profile sources; the generated material must name the real commands and their flags.

import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {CliResult} from '../../support/cli.js'
import {runCli} from '../../support/cli.js'

const SLOW = 120_000

/** The USAGE section of a help text: its lines up to the first blank one, joined. */
function usageOf(help: string): string {
  const lines = help.split('\n')
  const start = lines.indexOf('USAGE')
  expect(start, help).toBeGreaterThanOrEqual(0)
  const end = lines.indexOf('', start)
  return lines
    .slice(start + 1, end === -1 ? undefined : end)
    .map((line) => line.trim())
    .join(' ')
}

/** The ARGUMENTS section's first line (the argument and its description). */
function firstArgumentLine(help: string): string {
  const lines = help.split('\n')
  return (lines[lines.indexOf('ARGUMENTS') + 1] ?? '').trim()
}

describe('USAGE shows each command its own arity', () => {
  // Spawned together: help loads no catalog, and each is a separate short process.
  let helps: Map<string, CliResult>
  const SINGLE_NAME: readonly [command: string, argument: string, helpFlag: string][] = [
    ['cluster show', 'NAME', '--help'],
    ['cluster drop', 'NAME', '--help'],
    ['cluster cancel', 'NAME', '-h'],
    ['replica drop', 'REPLICA', '--help'],
  ]

  beforeAll(async () => {
    const commands = [...SINGLE_NAME.map(([command, , flag]) => [command, flag] as const), ['flags set', '--help'] as const]
    const results = await Promise.all(commands.map(([command, flag]) => runCli([...command.split(' '), flag], {env: {NO_COLOR: '1'}})))
    helps = new Map(commands.map(([command], i) => [command, results[i] as CliResult]))
  }, SLOW)

  it.each(SINGLE_NAME)('%s reads as taking one %s', (command, argument) => {
    const help = helps.get(command) as CliResult
    expect(help.code, help.stderr).toBe(0)
    expect(help.stderr).toBe('')
    const usage = usageOf(help.stdout)
    expect(usage.startsWith(`$ mzcluster ${command} ${argument} [`), usage).toBe(true)
    // The argument is never shown variadic (repeatable flags such as --key-map MAP... may be).
    expect(help.stdout).not.toContain(`${argument}...`)
    expect(firstArgumentLine(help.stdout)).toMatch(new RegExp(`^${argument}  `))
  })

  it('a variadic command (flags set) still shows SETTING...', () => {
    const help = helps.get('flags set') as CliResult
    expect(help.code, help.stderr).toBe(0)
    expect(usageOf(help.stdout).startsWith('$ mzcluster flags set SETTING... [')).toBe(true)
    expect(firstArgumentLine(help.stdout)).toMatch(/^SETTING\.\.\. {2}/)
  })
})

describe('shell completion (@oclif/plugin-autocomplete)', () => {
  let home: string
  let cache: string
  let env: Record<string, string>
  let refresh: CliResult
  let bashScript: CliResult
  let zshScript: CliResult

  const autocompleteDir = () => join(cache, 'mzcluster', 'autocomplete')
  const read = (...path: string[]) => readFileSync(join(autocompleteDir(), ...path), 'utf8')

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'mzcluster-completion-'))
    cache = join(home, 'cache')
    env = {
      NO_COLOR: '1',
      HOME: home,
      XDG_CACHE_HOME: cache,
      XDG_CONFIG_HOME: join(home, 'config'),
      XDG_DATA_HOME: join(home, 'data'),
    }
    // The cache first: the scripts only point at the files it writes.
    refresh = await runCli(['autocomplete', '--refresh-cache'], {env})
    ;[bashScript, zshScript] = await Promise.all([
      runCli(['autocomplete', 'script', 'bash'], {env}),
      runCli(['autocomplete', 'script', 'zsh'], {env}),
    ])
  }, SLOW)
  afterAll(() => {
    if (home) rmSync(home, {recursive: true, force: true})
  })

  it('the cache is built under XDG_CACHE_HOME and the scripts source it', () => {
    expect(refresh.code, refresh.stderr).toBe(0)
    expect(bashScript.code, bashScript.stderr).toBe(0)
    expect(zshScript.code, zshScript.stderr).toBe(0)
    const bashSetup = join(autocompleteDir(), 'bash_setup')
    const zshSetup = join(autocompleteDir(), 'zsh_setup')
    expect(bashScript.stdout.trim()).toBe(
      `MZCLUSTER_AC_BASH_SETUP_PATH=${bashSetup} && test -f $MZCLUSTER_AC_BASH_SETUP_PATH && source $MZCLUSTER_AC_BASH_SETUP_PATH; # mzcluster autocomplete setup`,
    )
    expect(zshScript.stdout.trim()).toBe(
      `MZCLUSTER_AC_ZSH_SETUP_PATH=${zshSetup} && test -f $MZCLUSTER_AC_ZSH_SETUP_PATH && source $MZCLUSTER_AC_ZSH_SETUP_PATH; # mzcluster autocomplete setup`,
    )
    expect(existsSync(bashSetup)).toBe(true)
    expect(existsSync(zshSetup)).toBe(true)
    expect(read('bash_setup')).toContain(join(autocompleteDir(), 'functions', 'bash', 'mzcluster.bash'))
    expect(read('zsh_setup')).toContain(join(autocompleteDir(), 'functions', 'zsh'))
  })

  it('bash: the command list has every command with its flags', () => {
    const script = read('functions', 'bash', 'mzcluster.bash')
    expect(script).toContain('complete -F _mzcluster_autocomplete mzcluster')
    const lines = script.split('\n')
    const flagsOf = (id: string) => {
      const line = lines.find((candidate) => candidate.startsWith(`${id} `))
      expect(line, `${id} in the bash command list`).toBeDefined()
      return (line as string).split(' ').slice(1)
    }
    expect(flagsOf('cluster:alter')).toEqual(expect.arrayContaining(['--size', '--replication-factor', '--wait', '--no-drive', '--timeout', '--dry-run', '--catalog', '--json']))
    expect(flagsOf('flags:set')).toEqual(expect.arrayContaining(['--cluster', '--replica', '--dry-run']))
    expect(flagsOf('cluster:show')).toEqual(expect.arrayContaining(['--json', '--catalog']))
  })

  // Real bash, when there is one: source the completion function and ask it, as <TAB> does.
  it.skipIf(!existsSync('/bin/bash') && !existsSync('/usr/bin/bash'))('bash completes command words and flags', () => {
    const complete = (...words: string[]) => {
      const quoted = words.map((word) => `'${word}'`).join(' ')
      const out = execFileSync(
        'bash',
        ['--norc', '--noprofile', '-c', `source "$1"; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _mzcluster_autocomplete; printf '%s\\n' "\${COMPREPLY[@]}"`, 'bash', join(autocompleteDir(), 'functions', 'bash', 'mzcluster.bash')],
        {encoding: 'utf8', env: {...process.env, ...env}},
      )
      // Readline shows a repeated candidate once.
      return [...new Set(out.split('\n').filter(Boolean))]
    }
    expect(complete('mzcluster', 'clu')).toEqual(['cluster'])
    expect(complete('mzcluster', 'cluster', '')).toEqual(['alter', 'cancel', 'create', 'drop', 'list', 'show', 'wait'])
    expect(complete('mzcluster', 'cluster', 'al')).toEqual(['alter'])
    expect(complete('mzcluster', 'cluster', 'alter', '--repl')).toEqual(['--replication-factor'])
    expect(complete('mzcluster', 'cluster', 'alter', '--dry')).toEqual(['--dry-run'])
    expect(complete('mzcluster', 'flags', 'set', '--d')).toEqual(['--dry-run'])
  })

  it('zsh: a completion function per topic, each subcommand with its flags and summary', () => {
    const script = read('functions', 'zsh', '_mzcluster')
    expect(script.startsWith('#compdef mzcluster')).toBe(true)
    /** The `_arguments` block of one subcommand inside a topic's function. */
    const block = (topic: string, command: string) => {
      const fn = script.slice(script.indexOf(`_mzcluster_${topic}() {`))
      const start = fn.indexOf(`"${command}")`)
      expect(start, `${topic} ${command} in _mzcluster_${topic}`).toBeGreaterThanOrEqual(0)
      return fn.slice(start, fn.indexOf(';;', start))
    }
    expect(script).toContain('"alter[Change a cluster; shape changes reconfigure it gracefully, with zero downtime.]"')
    const alter = block('cluster', 'alter')
    for (const flag of ['--size', '--replication-factor', '--wait', '--no-drive', '--dry-run']) expect(alter).toContain(`${flag}"[`)
    const set = block('flags', 'set')
    for (const flag of ['--cluster', '--replica', '--dry-run']) expect(set).toContain(`${flag}"[`)
    expect(block('cluster', 'show')).toContain('--catalog"[')
  })
})
