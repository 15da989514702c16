// The LaunchDarkly evaluation engine behind one interface (flags-spec §21): a flag-data file
// (the SDK's file data source, offline), live LaunchDarkly (SDK key), or TestData in unit tests.
// Events are never sent; SDK log lines go to a callback, never to stdout.

import {watch} from 'node:fs'
import {readFile, stat} from 'node:fs/promises'
import {basename, dirname, resolve as resolvePath} from 'node:path'

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
  /** A kept-current flags file: reload it now if it changed since it was loaded (a missed watch event). */
  refresh?(): Promise<void>
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
  /**
   * Keep the flags current and call this whenever they may have changed: on every update LaunchDarkly
   * streams (SDK key), or once an edit of the flags file is loaded (the file is watched and reloaded
   * whole, so an edit counts even when it does not bump a flag's version).
   */
  readonly onChange?: () => void
  /**
   * Availability changes of a kept-current source: false with the reason when LaunchDarkly cannot be
   * reached or an edited file cannot be loaded (the last flags stay in use), true once it recovers.
   */
  readonly onAvailability?: (available: boolean, reason: string) => void
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

/** The SDK's line when its streaming connection (re)opens: LaunchDarkly is reachable again. */
const STREAM_OPENED = 'Opened LaunchDarkly stream connection'

/** Client options for a flag-data file: file data source, no events, no diagnostics (not `offline`). */
export function fileClientOptions(path: string, logger: LDLogger): LDOptions {
  const factory = new integrations.FileDataSourceFactory({paths: [path], autoUpdate: false})
  return {updateProcessor: factory.getFactory(), sendEvents: false, diagnosticOptOut: true, logger}
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

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
  if (options.flagsFile !== undefined) return openFlagsFile(resolvePath(options.flagsFile), options)
  let available = true
  const setAvailable = (now: boolean, reason: string) => {
    if (now === available) return
    available = now
    options.onAvailability?.(now, reason)
  }
  const {logger, init: initState} = clientLogger(options, (message) => {
    if (/stream/i.test(message)) setAvailable(false, message)
  })
  logger.info = (...args: unknown[]) => {
    if (args.map(String).join(' ').startsWith(STREAM_OPENED)) setAvailable(true, '')
  }
  let client: LDClient
  let what: string
  if (options.testData !== undefined) {
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
  await initialized(client, what, options, initState)
  const onChange = options.onChange
  if (onChange) client.on('update', () => onChange())
  return wrapClient(
    () => client,
    () => client.close(),
  )
}

interface InitState {
  initializing: boolean
  lastInitError: string | undefined
}

/**
 * The SDK's logger for one client. Until the client has its flags, the SDK's complaints are held
 * back: a failure becomes one error naming the last of them, and a client that recovers has
 * nothing to report. After that, messages go to `onLog` (and `onMessage`).
 */
function clientLogger(
  options: FlagSourceOptions,
  onMessage?: (message: string) => void,
): {logger: LDLogger; init: InitState} {
  const state: InitState = {initializing: true, lastInitError: undefined}
  const logger = sdkLogger((level, raw) => {
    const message = redactSecret(raw, options.sdkKey)
    if (!state.initializing) {
      options.onLog?.(level, message)
      onMessage?.(message)
    } else if (level === 'error' || level === 'warn') state.lastInitError = message
  })
  return {logger, init: state}
}

/** Wait for a client's first flags; on failure close it and throw (exit code: 2 bad input, 1 runtime). */
async function initialized(client: LDClient, what: string, options: FlagSourceOptions, state: InitState): Promise<void> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS
  try {
    await client.waitForInitialization({timeout: timeoutMs / 1000})
  } catch (error) {
    client.close()
    const thrown = redactSecret(error instanceof Error ? error.message : String(error), options.sdkKey)
    const last = state.lastInitError
    const reason = last === undefined || thrown.includes(last) ? thrown : `${thrown} (${last})`
    const fromFile = options.flagsFile !== undefined
    throw new FlagSourceError(
      `cannot load flags from ${what} (waited up to ${timeoutMs} ms): ${reason}`,
      fromFile ? 2 : 1, // a bad file is bad input; a network is not
      fromFile ? undefined : 'check the SDK key and the network; for offline use pass --flags-file with LaunchDarkly flag data',
    )
  } finally {
    state.initializing = false
  }
}

/** Size and modification time: what tells a reload that the file changed. */
async function fileStamp(path: string): Promise<string> {
  const info = await stat(path).catch(() => null)
  return info === null ? 'missing' : `${info.size}:${info.mtimeMs}`
}

/**
 * A flags file through the SDK's file data source. Kept current (with `onChange`), the file's
 * directory is watched — an editor that replaces the file is seen too — and each edit loads the
 * whole file into a new client that replaces the old one; a file that does not load (half-written,
 * invalid) leaves the last good flags in use until a later edit fixes it.
 */
async function openFlagsFile(path: string, options: FlagSourceOptions): Promise<FlagSource> {
  const what = `flags file ${path}`
  const load = async (): Promise<{client: LDClient; stamp: string}> => {
    const stamp = await fileStamp(path)
    await checkFlagsFile(path)
    const {logger, init: state} = clientLogger(options)
    const client = init(OFFLINE_SDK_KEY, fileClientOptions(path, logger))
    await initialized(client, what, options, state)
    return {client, stamp}
  }
  let current = await load()
  const onChange = options.onChange
  if (!onChange) {
    return wrapClient(
      () => current.client,
      () => current.client.close(),
    )
  }

  let available = true
  let closed = false
  let reloading: Promise<void> | null = null
  let again = false
  const reloadOnce = async (): Promise<void> => {
    if (closed || (await fileStamp(path)) === current.stamp) return
    try {
      const next = await load()
      if (closed) return next.client.close()
      const previous = current
      current = next
      previous.client.close()
      if (!available) options.onAvailability?.((available = true), '')
      onChange()
    } catch (error) {
      if (available) options.onAvailability?.((available = false), (error as Error).message)
    }
  }
  const reload = (): Promise<void> => {
    if (reloading) {
      again = true
      return reloading
    }
    reloading = (async () => {
      do {
        again = false
        await reloadOnce()
      } while (again && !closed)
    })().finally(() => {
      reloading = null
    })
    return reloading
  }
  let timer: NodeJS.Timeout | undefined
  const name = basename(path)
  // A save is several events (truncate, write, rename): load once they settle.
  const watcher = watch(dirname(path), {persistent: false}, (_event, file) => {
    if (file !== null && file !== name) return
    clearTimeout(timer)
    timer = setTimeout(() => void reload(), 25)
  })
  watcher.on('error', () => {}) // the periodic refresh still catches edits
  const source = wrapClient(
    () => current.client,
    () => {
      closed = true
      clearTimeout(timer)
      watcher.close()
      current.client.close()
    },
  )
  return {...source, refresh: reload}
}

function wrapClient(client: () => LDClient, close: () => void): FlagSource {
  return {
    async variationDetail(flagKey, context, defaultValue) {
      const detail = await client().variationDetail(flagKey, context, defaultValue)
      return {value: detail.value, variationIndex: detail.variationIndex ?? null, reason: detail.reason}
    },
    async allFlags(context) {
      const state = await client().allFlagsState(context, {withReasons: true})
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
    close,
  }
}
