// The single colour decision and the palette built from it. chalk 5 ignores NO_COLOR and
// cli-table3 colours its header even when piped, so nothing else may decide colour: the base
// command calls decideColor once and hands the result to makeStyle and renderRows.

import {Chalk} from 'chalk'

export interface ColorDecisionInput {
  /** Whether the stream the output goes to (normally stdout) is a terminal. */
  readonly isTTY: boolean
  readonly env: Readonly<Record<string, string | undefined>>
  /** `--no-color` was given. */
  readonly noColorFlag?: boolean
}

const isSet = (value: string | undefined): value is string => value !== undefined && value !== ''

/**
 * Colour is on only for a terminal with `TERM != dumb`, unless forced. Precedence, highest first:
 * `--no-color`; a non-empty `NO_COLOR` (https://no-color.org); `FORCE_COLOR` (`0`/`false` force
 * off, any other non-empty value forces on); `CLICOLOR_FORCE` (non-empty, not `0`, forces on);
 * then the TTY and `TERM` test. NO_COLOR beats the force variables because it is the user's own
 * standing choice, whereas FORCE_COLOR is often set by CI tooling for other programs.
 */
export function decideColor({isTTY, env, noColorFlag = false}: ColorDecisionInput): boolean {
  if (noColorFlag) return false
  if (isSet(env.NO_COLOR)) return false
  const force = env.FORCE_COLOR
  if (isSet(force)) return force !== '0' && force.toLowerCase() !== 'false'
  if (isSet(env.CLICOLOR_FORCE) && env.CLICOLOR_FORCE !== '0') return true
  return isTTY && env.TERM !== 'dumb'
}

export type Paint = (text: string) => string

/** The palette every renderer uses; all functions are the identity when colour is off. */
export interface Style {
  readonly enabled: boolean
  /** `+` markers, created things. */
  readonly add: Paint
  /** `-` markers, dropped things. */
  readonly remove: Paint
  /** `~` markers, changed things. */
  readonly change: Paint
  readonly dim: Paint
  readonly bold: Paint
  readonly warn: Paint
  readonly error: Paint
  readonly heading: Paint
}

/** Builds the palette on its own Chalk instance, so chalk's global detection never applies. */
export function makeStyle(enabled: boolean): Style {
  // Level 1 (16 colours) is all the palette needs and every colour terminal supports it.
  const chalk = new Chalk({level: enabled ? 1 : 0})
  return {
    enabled,
    add: (text) => chalk.green(text),
    remove: (text) => chalk.red(text),
    change: (text) => chalk.yellow(text),
    dim: (text) => chalk.dim(text),
    bold: (text) => chalk.bold(text),
    warn: (text) => chalk.yellow(text),
    error: (text) => chalk.red(text),
    heading: (text) => chalk.bold(text),
  }
}

// C0 controls, DEL and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g
const CONTROL_ESCAPES: Readonly<Record<string, string>> = {'\t': '\\t', '\n': '\\n', '\r': '\\r'}

/**
 * Makes control characters visible (`\n`, `\t`, `\u001b`) so a value read from the catalog can
 * neither break a line of terminal output nor smuggle escape sequences onto the screen.
 */
export function showControls(text: string): string {
  return text.replace(
    CONTROL_CHARS,
    (ch) => CONTROL_ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}
