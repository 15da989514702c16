// Drive the built CLI on a pseudo-terminal, as a person would: `script` gives the command a pty
// for stdin, stdout and stderr; keys are written to script's stdin once the expected text shows.

import {spawn} from 'node:child_process'
import {BIN} from '../../support/cli.js'

// CSI/OSC escape sequences and carriage returns, so assertions read like the screen.
// eslint-disable-next-line no-control-regex
const ESCAPES = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b\][^\u0007]*\u0007|\r/g

export const KEYS = {down: '\u001b[B', up: '\u001b[A', enter: '\r', escape: '\u001b', ctrlC: '\u0003'} as const

export interface PtySession {
  /** Wait until `pattern` appears in the output after the previous match; returns the text up to it. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<string>
  write(keys: string): void
  /** Everything shown so far, escapes removed. */
  readonly screen: string
  readonly exit: Promise<number>
  /** End the session (SIGKILL) if it is still running. */
  kill(): void
}

const shellQuote = (arg: string) => `'${arg.replaceAll("'", `'\\''`)}'`

export interface PtySize {
  readonly cols: number
  readonly rows: number
}

export function runOnPty(
  args: readonly string[],
  env: Record<string, string | undefined> = {},
  size: PtySize = {cols: 200, rows: 60},
): PtySession {
  const command = `stty cols ${size.cols} rows ${size.rows}; exec ${[process.execPath, BIN, ...args].map(shellQuote).join(' ')}`
  const merged: Record<string, string | undefined> = {...process.env, CI: undefined, NO_COLOR: '1', ...env}
  for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key]
  const child = spawn('script', ['-qfec', command, '/dev/null'], {
    env: merged as NodeJS.ProcessEnv,
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let raw = ''
  child.stdout.on('data', (chunk: Buffer) => (raw += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (raw += chunk.toString()))
  const exit = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)))
  let cursor = 0
  const screen = () => raw.replace(ESCAPES, '')
  return {
    get screen() {
      return screen()
    },
    exit,
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    },
    write: (keys) => child.stdin.write(keys),
    async waitFor(pattern, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const text = screen().slice(cursor)
        const match = pattern.exec(text)
        if (match) {
          cursor += match.index + match[0].length
          return text.slice(0, match.index + match[0].length)
        }
        if (Date.now() > deadline) {
          child.kill('SIGKILL')
          throw new Error(`timed out waiting for ${pattern}; screen so far:\n${text}`)
        }
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    },
  }
}
