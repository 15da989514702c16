// The LaunchDarkly evaluation engine behind one interface (flags-spec §21): a flag-data file
// (the SDK's file data source, offline), live LaunchDarkly (SDK key), or TestData in unit tests.
// Events are never sent; SDK log lines go to a callback, never to stdout.

import {readFile} from 'node:fs/promises'
import {resolve as resolvePath} from 'node:path'

import {
  init,
  integrations,
  type LDClient,
  type LDContext,
  type LDEvaluationReason,
  type LDLogger,
  type LDOptions,
} from '@launchdarkly/node-server-sdk'

import {FlagSourceError} from './errors.js'
import {isPlainObject} from './file-segments.js'

export interface FlagDetail {
  readonly value: unknown
  readonly variationIndex: number | null
  readonly reason: LDEvaluationReason
}

export interface FlagSource {
  /** Untyped evaluation: the default may be of any type (we pass formatted strings). */
  variationDetail(flagKey: string, context: LDContext, defaultValue: unknown): Promise<FlagDetail>
  /** Every flag for one context in one call (fast path for the per-object passes). */
  allFlags(context: LDContext): Promise<FlagSet>
  close(): void
}

/** All flags evaluated for one context; {@link FlagSet.detail} applies a default like `variationDetail`. */
export class FlagSet {
  private readonly lookup: (flagKey: string) => FlagDetail | undefined

  /** From evaluated details, or a lookup that builds one on demand (only flags asked for cost anything). */
  constructor(details: ReadonlyMap<string, FlagDetail> | ((flagKey: string) => FlagDetail | undefined)) {
    this.lookup = typeof details === 'function' ? details : (key) => details.get(key)
  }

  /** Same result as `variationDetail(flagKey, context, defaultValue)` for the context of this set. */
  detail(flagKey: string, defaultValue: unknown): FlagDetail {
    const found = this.lookup(flagKey)
    if (!found)
      return {value: defaultValue, variationIndex: null, reason: {kind: 'ERROR', errorKind: 'FLAG_NOT_FOUND'}}
    // No variation (an error, or off without an off variation): the SDK serves the default.
    return found.variationIndex === null ? {...found, value: defaultValue} : found
  }
}

export type SdkLogLevel = 'error' | 'warn'

export interface FlagSourceOptions {
  /** A LaunchDarkly flag-data JSON file (`{"flags": …, "segments": …}` or `{"flagValues": …}`). */
  readonly flagsFile?: string
  /** A LaunchDarkly server-side SDK key: evaluate against live LaunchDarkly (streaming). Never printed. */
  readonly sdkKey?: string
  /** With an SDK key: send every SDK request to this base URI instead (a LaunchDarkly Relay Proxy). */
  readonly baseUri?: string
  /** Programmatic flags (unit tests). */
  readonly testData?: integrations.TestData
  /** How long to wait for initialization; default 10 s. */
  readonly timeoutMs?: number
  /** Receives the SDK's warnings and errors. */
  readonly onLog?: (level: SdkLogLevel, message: string) => void
}

const DEFAULT_TIMEOUT_MS = 10_000
/** The SDK needs some key even when a file is the only data source; it is never sent anywhere. */
const OFFLINE_SDK_KEY = 'mzcluster-offline'

/**
 * A logger for the SDK. "Unknown feature flag" is dropped: a missing flag is the normal silent case
 * (the parameter keeps its env-wide value) and the evaluation reason already says FLAG_NOT_FOUND.
 */
export function sdkLogger(onLog: (level: SdkLogLevel, message: string) => void = () => {}): LDLogger {
  const forward =
    (level: SdkLogLevel) =>
    (...args: unknown[]) => {
      const message = args.map(String).join(' ')
      if (!message.startsWith('Unknown feature flag')) onLog(level, message)
    }
  return {error: forward('error'), warn: forward('warn'), info: () => {}, debug: () => {}}
}

/** Client options for a flag-data file: file data source, no events, no diagnostics (not `offline`). */
export function fileClientOptions(path: string, logger: LDLogger): LDOptions {
  const factory = new integrations.FileDataSourceFactory({paths: [path], autoUpdate: false})
  return {updateProcessor: factory.getFactory(), sendEvents: false, diagnosticOptOut: true, logger}
}

/** Read and shape-check a flag-data file so a mistake is one clear line, not an SDK stack trace. */
async function checkFlagsFile(path: string): Promise<void> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new FlagSourceError(`cannot read flags file ${path}: ${(error as Error).message}`, 2)
  }
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    throw new FlagSourceError(`flags file ${path} is not valid JSON: ${(error as Error).message}`, 2)
  }
  if (!isPlainObject(document)) throw new FlagSourceError(`flags file ${path} must hold a JSON object`, 2)
  for (const section of ['flags', 'flagValues', 'segments']) {
    const value = document[section]
    if (value !== undefined && !isPlainObject(value)) {
      throw new FlagSourceError(
        `flags file ${path}: "${section}" must be an object keyed by flag or segment key`,
        2,
      )
    }
  }
  for (const [key, flag] of Object.entries((document.flags ?? {}) as Record<string, unknown>)) {
    if (!isPlainObject(flag) || !Array.isArray(flag.variations)) {
      throw new FlagSourceError(
        `flags file ${path}: flag ${JSON.stringify(key)} needs a "variations" array`,
        2,
      )
    }
  }
}

/** `text` with every occurrence of `secret` masked (the SDK key must never reach a terminal or log). */
export function redactSecret(text: string, secret: string | undefined): string {
  return secret ? text.split(secret).join('***') : text
}

/** Open exactly one flag source and wait until it has its flags. Throws {@link FlagSourceError}. */
export async function openFlagSource(options: FlagSourceOptions): Promise<FlagSource> {
  const modes = [options.flagsFile, options.sdkKey, options.testData].filter((m) => m !== undefined)
  if (modes.length !== 1) throw new FlagSourceError('give exactly one of a flags file or an SDK key', 2)
  const onLog = options.onLog
  // Until the client has its flags, the SDK's complaints are held back: a failure becomes one
  // error naming the last of them, and a client that recovers has nothing to report.
  let initializing = true
  let lastInitError: string | undefined
  const logger = sdkLogger((level, raw) => {
    const message = redactSecret(raw, options.sdkKey)
    if (!initializing) onLog?.(level, message)
    else if (level === 'error' || level === 'warn') lastInitError = message
  })
  let client: LDClient
  let what: string
  if (options.flagsFile !== undefined) {
    const path = resolvePath(options.flagsFile)
    await checkFlagsFile(path)
    client = init(OFFLINE_SDK_KEY, fileClientOptions(path, logger))
    what = `flags file ${path}`
  } else if (options.testData !== undefined) {
    client = init(OFFLINE_SDK_KEY, {
      updateProcessor: options.testData.getFactory(),
      sendEvents: false,
      diagnosticOptOut: true,
      logger,
    })
    what = 'test data'
  } else {
    const relay =
      options.baseUri === undefined
        ? {}
        : {baseUri: options.baseUri, streamUri: options.baseUri, eventsUri: options.baseUri}
    client = init(options.sdkKey ?? '', {sendEvents: false, diagnosticOptOut: true, logger, ...relay})
    what = options.baseUri === undefined ? 'LaunchDarkly' : `LaunchDarkly via ${options.baseUri}`
  }
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  try {
    await client.waitForInitialization({timeout: timeoutMs / 1000})
  } catch (error) {
    client.close()
    const thrown = redactSecret(error instanceof Error ? error.message : String(error), options.sdkKey)
    const reason = lastInitError === undefined || thrown.includes(lastInitError) ? thrown : `${thrown} (${lastInitError})`
    const fromFile = options.flagsFile !== undefined
    throw new FlagSourceError(
      `cannot load flags from ${what} (waited up to ${timeoutMs} ms): ${reason}`,
      fromFile ? 2 : 1, // a bad file is bad input; a network is not
      fromFile ? undefined : 'check the SDK key and the network; for offline use pass --flags-file with LaunchDarkly flag data',
    )
  } finally {
    initializing = false
  }
  return wrapClient(client)
}

function wrapClient(client: LDClient): FlagSource {
  return {
    async variationDetail(flagKey, context, defaultValue) {
      const detail = await client.variationDetail(flagKey, context, defaultValue)
      return {value: detail.value, variationIndex: detail.variationIndex ?? null, reason: detail.reason}
    },
    async allFlags(context) {
      const state = await client.allFlagsState(context, {withReasons: true})
      if (!state.valid) throw new FlagSourceError('LaunchDarkly could not evaluate flags (client not ready?)')
      // The variation index is only exposed through the JSON form; details are built lazily, per flag
      // asked for (a replica needs its replica-scoped flags only), which matters over 10,000 replicas.
      type Meta = {variation?: number; reason?: LDEvaluationReason}
      const meta = (state.toJSON() as {$flagsState?: Record<string, Meta>}).$flagsState ?? {}
      return new FlagSet((key) => {
        const found = Object.hasOwn(meta, key) ? meta[key] : undefined
        if (found === undefined) return undefined
        const reason = found.reason ?? {kind: 'ERROR', errorKind: 'EXCEPTION'}
        return {value: state.getFlagValue(key), variationIndex: found.variation ?? null, reason}
      })
    },
    close: () => client.close(),
  }
}
