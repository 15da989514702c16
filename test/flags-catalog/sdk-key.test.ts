// Live-LaunchDarkly mode (--sdk-key) against a loopback stand-in of the streaming service: the same
// flag data evaluates exactly like the flag-data file, and a rejected key fails with a message that
// never contains the key.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {openFlagSource} from '../../src/lib/flags/evaluate.js'
import {FlagSourceError} from '../../src/lib/flags/errors.js'
import {chooseFlagSource, requireFlagSource} from '../../src/lib/flags/source-options.js'
import {syncFlags} from '../../src/lib/flags/sync.js'
import type {TestCatalog} from '../support/catalogs.js'
import {freshCatalog} from '../support/catalogs.js'
import {startFakeLaunchDarkly, type FakeLaunchDarkly} from './fake-launchdarkly.js'
import {ENVIRONMENT_ID, FIXTURE, insertObjects, syncedRows} from './objects.js'

const SDK_KEY = 'sdk-00000000-test-secret-key'
const build = {sha: 'test-sha', semver: '0.1.0'}

describe('flags sync with an SDK key', () => {
  let ld: FakeLaunchDarkly
  let catalog: TestCatalog
  beforeAll(async () => {
    ld = await startFakeLaunchDarkly(SDK_KEY, FIXTURE)
    catalog = await freshCatalog('embedded', {environmentId: ENVIRONMENT_ID})
    await insertObjects(catalog.db)
  })
  afterAll(async () => {
    await catalog.destroy()
    await ld.close()
  })

  it('evaluates streamed flag data like the flag-data file', async () => {
    const source = await openFlagSource({sdkKey: SDK_KEY, baseUri: ld.baseUri, timeoutMs: 5000})
    try {
      const live = await syncFlags(catalog.db, {source, build, dryRun: true})
      const file = await openFlagSource({flagsFile: FIXTURE})
      const offline = await syncFlags(catalog.db, {source: file, build, dryRun: true}).finally(() =>
        file.close(),
      )
      expect(live.changes).toEqual(offline.changes)
      expect(live.summary.added).toBe(4)
      await syncFlags(catalog.db, {source, build})
      expect((await syncedRows(catalog.db)).cluster).toEqual(['s2 enable_eager_delta_joins=true'])
    } finally {
      source.close()
    }
    expect(ld.requests.every((auth) => auth === SDK_KEY)).toBe(true)
  })

  it('a rejected key is a clear error that never shows the key', async () => {
    const wrong = 'sdk-wrong-key-that-must-stay-secret'
    const logs: string[] = []
    const error = await openFlagSource({
      sdkKey: wrong,
      baseUri: ld.baseUri,
      timeoutMs: 5000,
      onLog: (_level, message) => logs.push(message),
    }).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(FlagSourceError)
    expect((error as FlagSourceError).exitCode).toBe(1)
    expect((error as Error).message).toMatch(
      /^cannot load flags from LaunchDarkly via http:\/\/127\.0\.0\.1:\d+/,
    )
    expect(`${(error as Error).message}\n${(error as Error).stack}\n${logs.join('\n')}`).not.toContain(wrong)
  })

  it('takes the source from flags, else the environment, and refuses ambiguity', () => {
    expect(chooseFlagSource({flagsFile: 'f.json'}, {MZCLUSTER_LD_SDK_KEY: 'k'})).toEqual({
      flagsFile: 'f.json',
    })
    expect(chooseFlagSource({}, {MZCLUSTER_LD_SDK_KEY: 'k', MZCLUSTER_LD_BASE_URI: 'http://relay'})).toEqual({
      sdkKey: 'k',
      baseUri: 'http://relay',
    })
    expect(chooseFlagSource({}, {MZCLUSTER_FLAGS_FILE: 'x.json'})).toEqual({flagsFile: 'x.json'})
    expect(chooseFlagSource({}, {})).toBeNull()
    expect(() => chooseFlagSource({flagsFile: 'f', sdkKey: SDK_KEY}, {})).toThrow(
      'give --flags-file or --sdk-key, not both',
    )
    expect(() => chooseFlagSource({}, {MZCLUSTER_FLAGS_FILE: 'f', MZCLUSTER_LD_SDK_KEY: SDK_KEY})).toThrow(
      /both MZCLUSTER_FLAGS_FILE and MZCLUSTER_LD_SDK_KEY are set/,
    )
    const error = (() => {
      try {
        requireFlagSource({}, {})
      } catch (e) {
        return e as Error & {exitCode: number; hint: string}
      }
    })()
    expect(error?.message).toMatch(/--flags-file .*--sdk-key/)
    expect(error?.exitCode).toBe(2)
  })
})
