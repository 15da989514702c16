// `parseAlterFlags`: the flags of `cluster alter` become an AlterRequest (only what was given is
// "mentioned"), the wait modes map to the seed's WAIT clauses, and every bad combination is one
// exit-2 line before anything is read or written. Pure, no database.

import {execFileSync} from 'node:child_process'
import {describe, expect, it} from 'vitest'
import type {AlterFlags} from '../../src/lib/alter/parse.js'
import {parseAlterFlags} from '../../src/lib/alter/parse.js'
import {cancelCommand, followHint, waitCommand} from '../../src/lib/alter/present.js'
import {UsageError} from '../../src/lib/errors.js'
import {MINUTE} from './fixtures.js'

function refused(flags: AlterFlags): UsageError {
  try {
    parseAlterFlags(flags)
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).exitCode).toBe(2)
    return error as UsageError
  }
  throw new Error(`expected ${JSON.stringify(flags)} to be refused`)
}

describe('parseAlterFlags', () => {
  it('only the given options are mentioned', () => {
    const request = parseAlterFlags({size: '200cc'})
    expect(request).toEqual({
      size: '200cc',
      replicationFactor: undefined,
      availabilityZones: undefined,
      logLogging: undefined,
      intervalMs: undefined,
      schedule: undefined,
      hydrationTimeEstimateMs: undefined,
      autoScaling: undefined,
      features: undefined,
      unmanaged: undefined,
      timing: {kind: 'default'},
      wait: undefined,
    })
  })

  it('parses every option to its typed value', () => {
    expect(
      parseAlterFlags({
        'replication-factor': '3',
        'availability-zones': 'az1,az2',
        'introspection-debugging': false,
        'introspection-interval': '0',
        'hydration-size': '800cc',
        linger: '10m',
        feature: ['enable_eager_delta_joins=true'],
      }),
    ).toMatchObject({
      replicationFactor: 3,
      availabilityZones: ['az1', 'az2'],
      logLogging: false,
      intervalMs: null,
      autoScaling: {onHydration: {hydrationSize: '800cc', lingerMs: 10 * MINUTE}},
      features: {enable_eager_delta_joins: 'on'},
    })
    expect(parseAlterFlags({'no-auto-scaling': true}).autoScaling).toBeNull()
    expect(parseAlterFlags({'hydration-time-estimate': '1m'})).toMatchObject({schedule: undefined, hydrationTimeEstimateMs: MINUTE})
    expect(parseAlterFlags({schedule: 'on-refresh', 'hydration-time-estimate': '1m'}).schedule).toEqual({kind: 'on-refresh', hydrationTimeEstimateMs: MINUTE})
  })

  it.each<[string, AlterFlags, unknown]>([
    ['no wait flags', {size: '200cc'}, {kind: 'default'}],
    ['--wait-for 10m', {size: '200cc', 'wait-for': '10m'}, {kind: 'wait-for', timeoutMs: 10 * MINUTE}],
    ['--timeout 10m', {size: '200cc', timeout: '10m'}, {kind: 'until-ready', timeoutMs: 10 * MINUTE, onTimeout: 'rollback'}],
    ['--timeout 10m --on-timeout commit', {size: '200cc', timeout: '10m', 'on-timeout': 'commit'}, {kind: 'until-ready', timeoutMs: 10 * MINUTE, onTimeout: 'commit'}],
    ['--timeout 0s', {size: '200cc', timeout: '0s'}, {kind: 'until-ready', timeoutMs: 0, onTimeout: 'rollback'}],
  ])('%s', (_name, flags, timing) => {
    expect(parseAlterFlags(flags).timing).toEqual(timing)
  })

  it('refuses bad combinations and values with one line each', () => {
    expect(refused({size: '200cc', 'wait-for': '1m', timeout: '1m'}).message).toMatch(/^--wait-for and --timeout are alternatives/)
    expect(refused({size: '200cc', 'on-timeout': 'commit'}).message).toBe('--on-timeout requires --timeout')
    expect(refused({size: '200cc', 'wait-for': '1m', 'on-timeout': 'commit'}).message).toBe('--on-timeout requires --timeout')
    expect(refused({size: '200cc', wait: true, background: true}).message).toMatch(/^--wait and --background are alternatives/)
    expect(refused({size: '200cc', timeout: '10 minutes'}).code).toBe('INVALID_DURATION')
    expect(refused({size: '200cc', 'wait-for': '10'}).code).toBe('INVALID_DURATION')
    expect(refused({'no-auto-scaling': true, 'hydration-size': '800cc'}).message).toMatch(/--no-auto-scaling cannot be combined/)
    expect(refused({size: ' '}).code).toBe('UNKNOWN_SIZE')
    expect(refused({'replication-factor': '-1'}).code).toBe('INVALID_REPLICATION_FACTOR')
    for (const flags of [{size: '200cc', 'wait-for': '1m', timeout: '1m'}, {size: '200cc', wait: true, background: true}] as AlterFlags[]) {
      expect(refused(flags).message).not.toContain('\n')
    }
  })
})

describe('the follow-up command in hints', () => {
  it.each(['prod', 'my cluster', "it's", 'a$b;rm -rf x', 'naïve "quoted"', 'tab\there'])('%j survives the shell as one word', (name) => {
    const command = waitCommand(name)
    expect(command.startsWith('mzcluster cluster wait ')).toBe(true)
    const word = command.slice('mzcluster cluster wait '.length)
    expect(execFileSync('sh', ['-c', `printf %s ${word}`], {encoding: 'utf8'})).toBe(name)
    expect(cancelCommand(name).slice('mzcluster cluster cancel '.length)).toBe(word)
    // Only a live `run` lease earns the promise that the work goes on.
    expect(followHint(name, 'host:42:abc')).toBe(`the reconfiguration continues under the controller (\`mzcluster run\`, host:42:abc); follow it with \`${command}\``)
    expect(followHint(name, null)).not.toContain('continues under the controller')
    expect(followHint(name, null)).toContain(command)
  })

  it('plain names stay bare', () => {
    expect(waitCommand('prod-eu_1')).toBe('mzcluster cluster wait prod-eu_1')
  })
})
