// Runs a command of the built CLI inside the test's own process, with what a subprocess would have
// of its own: its environment, working directory, stdin, captured stdout and stderr (neither a
// terminal), and its exit code as the binary computes it (oclif's error handler, the command's
// process.exitCode). The oclif configuration and the commands' modules load once per test file
// instead of once per command, which is most of what a command costs in the suite.
//
// What only a real process shows (signals, closed pipes, terminals, the event loop draining, a
// hung command being killed) is tested through the binary: see runCli's `process` option.

import {AsyncLocalStorage} from 'node:async_hooks'
import {Readable} from 'node:stream'
import {join} from 'node:path'
import type {CliResult} from './cli.js'

const ROOT = join(import.meta.dirname, '..', '..')

interface Capture {
  stdout: string
  stderr: string
}

interface Oclif {
  run: (argv: string[], config: unknown) => Promise<unknown>
  handle: (error: unknown) => Promise<void>
  Exit: {exit: (code?: number) => void}
  Config: {load: (root: string) => Promise<unknown>}
}

let oclif: Promise<Oclif> | undefined
let active = false
const capture = new AsyncLocalStorage<Capture>()

function loadOclif(): Promise<Oclif> {
  oclif ??= (async () => {
    // Native imports (node_modules are not transformed): oclif then imports the built commands
    // from dist/ exactly as bin/run.js does.
    const [{run}, {handle, Exit}, {Config}] = await Promise.all([
      import('@oclif/core/run'),
      import('@oclif/core/handle'),
      import('@oclif/core/config'),
    ])
    return {run, handle, Exit, Config} as unknown as Oclif
  })()
  return oclif
}

let patched = false

/** Writes made inside a captured run go to its buffers; every other write goes where it went. */
function patchStreams(): void {
  if (patched) return
  patched = true
  for (const name of ['stdout', 'stderr'] as const) {
    const stream = process[name]
    const original = stream.write.bind(stream) as (...args: unknown[]) => boolean
    stream.write = ((chunk: unknown, ...rest: unknown[]) => {
      const store = capture.getStore()
      if (!store) return original(chunk, ...rest)
      store[name] += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString()
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined
      if (callback) queueMicrotask(callback)
      return true
    }) as typeof stream.write
  }
}

/** Whether a run may start now: one command at a time owns the process-wide state it swaps. */
export function inProcessFree(): boolean {
  return !active
}

function swapEnv(env: Record<string, string>): () => void {
  const saved = {...process.env}
  const assign = (next: Record<string, string | undefined>) => {
    for (const key of Object.keys(process.env)) if (!(key in next)) delete process.env[key]
    for (const [key, value] of Object.entries(next)) if (value !== undefined) process.env[key] = value
  }
  assign(env)
  return () => assign(saved)
}

function override<T extends object>(target: T, key: string, value: unknown): () => void {
  const saved = Object.getOwnPropertyDescriptor(target, key)
  Object.defineProperty(target, key, {value, configurable: true, writable: true})
  return () => {
    if (saved) Object.defineProperty(target, key, saved)
    else delete (target as Record<string, unknown>)[key]
  }
}

export async function runInProcess(args: readonly string[], env: Record<string, string>, input: string, cwd?: string): Promise<CliResult> {
  if (active) throw new Error('runInProcess: another command is running in this process')
  active = true
  const restores: (() => void)[] = []
  try {
    const {run, handle, Exit, Config} = await loadOclif()
    // A configuration per command (a few ms once the modules are loaded): oclif's help rewrites the
    // loaded commands' ids with the topic separator, which a later command's routing would see.
    const config = await Config.load(ROOT)
    patchStreams()
    const store: Capture = {stdout: '', stderr: ''}
    let exitCode: number | undefined
    const savedExitCode = process.exitCode
    process.exitCode = undefined
    restores.push(() => (process.exitCode = savedExitCode))
    restores.push(swapEnv(env))
    if (cwd !== undefined) {
      const savedCwd = process.cwd()
      process.chdir(cwd)
      restores.push(() => process.chdir(savedCwd))
    }
    const stdin = Readable.from(input === '' ? [] : [Buffer.from(input)], {objectMode: false})
    restores.push(override(process, 'stdin', stdin))
    for (const stream of [process.stdout, process.stderr]) {
      restores.push(override(stream, 'isTTY', false), override(stream, 'columns', undefined))
    }
    restores.push(override(process, 'argv', [process.execPath, join(ROOT, 'bin', 'run.js'), ...args]))
    const savedExit = Exit.exit
    Exit.exit = (code = 0) => {
      exitCode ??= code
    }
    restores.push(() => (Exit.exit = savedExit))
    await capture.run(store, async () => {
      try {
        await run([...args], config)
      } catch (error) {
        await handle(error)
      }
    })
    const code = exitCode ?? (typeof process.exitCode === 'number' ? process.exitCode : Number(process.exitCode ?? 0))
    return {code, stdout: store.stdout, stderr: store.stderr}
  } finally {
    for (const restore of restores.reverse()) restore()
    active = false
  }
}
