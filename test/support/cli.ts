// Run the built mzcluster CLI the way a user or a script does: stdout and stderr captured
// separately, not a TTY, colour off unless asked, and the exit code. By default a command runs
// inside the test's process (./in-process.ts) when no other command is running there, and as a
// subprocess of the binary otherwise; `process: true` always runs the binary, and
// MZCLUSTER_TEST_BINARY=1 runs every command through the binary.

import {spawn} from 'node:child_process'
import {join} from 'node:path'
import {inProcessFree, runInProcess} from './in-process.js'

export const BIN = join(import.meta.dirname, '..', '..', 'bin', 'run.js')

export interface CliResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

export interface CliOptions {
  readonly catalog?: string
  readonly env?: Record<string, string | undefined>
  readonly input?: string
  /** When the binary is killed (SIGKILL); a command in the test process meets the test's own ceiling instead. */
  readonly timeoutMs?: number
  readonly cwd?: string
  /** Run the binary in a process of its own (signals, streams, hangs, exit of the event loop). */
  readonly process?: boolean
}

export function runCli(args: readonly string[], options: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = {...process.env, NO_COLOR: undefined, FORCE_COLOR: undefined, CI: '1', ...options.env}
  if (options.catalog !== undefined) env.MZCLUSTER_CATALOG = options.catalog
  for (const key of Object.keys(env)) if (env[key] === undefined) delete env[key]
  if (!options.process && process.env.MZCLUSTER_TEST_BINARY !== '1' && inProcessFree()) {
    return runInProcess(args, env as Record<string, string>, options.input ?? '', options.cwd)
  }
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {env: env as NodeJS.ProcessEnv, cwd: options.cwd, stdio: ['pipe', 'pipe', 'pipe']})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({code: code ?? (signal ? 128 : 1), stdout, stderr})
    })
    child.stdin.end(options.input ?? '')
  })
}

/** Parse stdout as JSON, failing with the whole output when it is not. */
export function json<T = unknown>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\nstderr:\n${result.stderr}`)
  }
}

/** The lines of stderr that report an error (the one-line message, not progress or hints). */
export function errorLines(result: CliResult | string): string[] {
  const stderr = typeof result === 'string' ? result : result.stderr
  return stderr.split('\n').filter((line) => line.startsWith('Error:'))
}
