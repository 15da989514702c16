// The base every command extends. It owns the rules no command may get wrong: where the catalog
// is and when it is opened (only when a command asks), colour decided once from the TTY and
// NO_COLOR, tables on a TTY and TSV when piped, errors as one or two lines with the documented exit
// code, JSON errors under --json, and never prompting without a terminal.

import type {Interfaces} from '@oclif/core'
import {Command} from '@oclif/core/command'
import * as Flags from '@oclif/core/flags'
import type {Db} from './lib/catalog/db.js'
import type {CatalogLocation} from './lib/catalog/location.js'
import {selectCatalog} from './lib/catalog/location.js'
import type {OpenOptions} from './lib/catalog/open.js'
import {exitCodes, MzclusterError, UsageError} from './lib/errors.js'
import type {Column} from './lib/output/table.js'
import {renderRows} from './lib/output/table.js'
import type {Style} from './lib/output/style.js'
import {decideColor, makeStyle} from './lib/output/style.js'

/**
 * `--dry-run` of every command that writes: the write's own validation runs (same errors and exit
 * codes), then a description of what would be written, and nothing is written (see
 * catalog/write-step.ts and `BaseCommand.dryRunResult`).
 */
export const dryRunFlag = {
  'dry-run': Flags.boolean({
    summary: 'Validate and show what would be written, without writing anything.',
  }),
}

/** The `--json` document of a dry run: the real command's fields, marked. */
export type DryRun<T> = {dry_run: true} & T

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override enableJsonFlag = true

  static override baseFlags = {
    catalog: Flags.string({
      summary: 'Catalog: a postgres:// URL or an embedded catalog directory.',
      description:
        'Defaults to $MZCLUSTER_CATALOG, then $DATABASE_URL, then $XDG_DATA_HOME/mzcluster/catalog (~/.local/share/mzcluster/catalog).',
      helpGroup: 'GLOBAL',
    }),
    'lock-timeout': Flags.string({
      summary: 'How long to wait for an embedded catalog another command is using (0s fails at once).',
      description:
        'Commands on an embedded catalog take turns: one waits up to this long for the one before it, saying so once on stderr. A duration such as 10s, 2m or 0s.',
      default: '10s',
      env: 'MZCLUSTER_LOCK_TIMEOUT',
      helpGroup: 'GLOBAL',
    }),
    'no-color': Flags.boolean({summary: 'Never colour the output (NO_COLOR is honoured too).', helpGroup: 'GLOBAL'}),
    verbose: Flags.boolean({summary: 'Print stack traces with errors.', helpGroup: 'GLOBAL'}),
  }

  protected flags!: BaseFlags<T>
  protected args!: BaseArgs<T>
  /** Colours for stdout; `errStyle` for stderr. Decided once, here. */
  protected style!: Style
  protected errStyle!: Style
  private db: Db | undefined

  /**
   * Non-strict as far as oclif's command routing is concerned: with a space topic separator, oclif
   * reads a word after a command that takes no arguments as part of the command id (`catalog
   * status extra` became "command catalog:status:extra not found", exit 1). The strictness a
   * command declares is enforced when its arguments are parsed (see `declaredStrict`).
   */
  static override strict = false

  public override async init(): Promise<void> {
    await super.init()
    const noColorFlag = this.argv.includes('--no-color')
    this.style = makeStyle(decideColor({isTTY: Boolean(process.stdout.isTTY), env: process.env, noColorFlag}))
    this.errStyle = makeStyle(decideColor({isTTY: Boolean(process.stderr.isTTY), env: process.env, noColorFlag}))
    let parsed
    try {
      parsed = await this.parse({
        flags: this.commandClass.flags,
        baseFlags: this.commandClass.baseFlags,
        enableJsonFlag: this.commandClass.enableJsonFlag,
        args: this.commandClass.args,
        strict: declaredStrict(this.commandClass),
      })
    } catch (error) {
      // The arguments were parsed, and refused: not the "forgot to call this.parse" oclif warns of.
      this.parsed = true
      throw this.usageErrorOf(error as Error)
    }
    this.flags = parsed.flags as BaseFlags<T>
    this.args = parsed.args as BaseArgs<T>
  }

  /**
   * Every failure to parse argv is invalid usage (exit 2). oclif's parse errors are rendered by
   * `catch`; the two it throws as plain errors are converted here: the CLIError of a flag given
   * without its value, and a flag's own parse function refusing the value (rethrown by oclif as a
   * plain Error, "Parsing --port \n\t<reason>\nSee more help…"), which were internal errors (exit 1).
   */
  private usageErrorOf(error: Error & {parse?: unknown}): Error {
    if (error instanceof MzclusterError || isOclifParseError(error)) return error
    const flagValue = /^Parsing (--[\w-]+) ?\n\t(.*)/.exec(error.message)
    const message = flagValue ? `invalid value for ${flagValue[1]}: ${flagValue[2]}` : (error.message.split('\n')[0] ?? error.message)
    return new UsageError(message, {
      code: 'INVALID_USAGE',
      hint: `see \`mzcluster ${this.id?.replaceAll(':', ' ') ?? ''} --help\``,
      cause: error,
    })
  }

  protected get catalogLocation(): CatalogLocation {
    return selectCatalog(this.flags.catalog)
  }

  /**
   * `--no-drive` waits for another process (`mzcluster run`) to tick. A command on an embedded
   * catalog holds the catalog for its whole run, so no other process can: the wait could never
   * progress. Refused there (exit 2, before anything is written); through `catalog serve` the
   * catalog is a server URL and other processes share it.
   */
  protected refuseWatchOnlyOnEmbedded(): void {
    if (!(this.flags as {'no-drive'?: boolean})['no-drive'] || this.catalogLocation.kind !== 'embedded') return
    throw new UsageError('--no-drive cannot progress on an embedded catalog opened directly', {
      code: 'INVALID_OPTIONS',
      hint: 'drop --no-drive to tick from here, or go through `mzcluster catalog serve`',
    })
  }

  /**
   * How this command waits for an embedded catalog that another process is using: up to
   * --lock-timeout, saying once on stderr whom it waits for.
   */
  protected async catalogOpenOptions(): Promise<OpenOptions> {
    const {parseDuration} = await import('./lib/input/duration.js')
    let lockTimeoutMs: number
    try {
      lockTimeoutMs = parseDuration(this.flags['lock-timeout'] ?? '10s')
    } catch (error) {
      throw new UsageError(`invalid value for --lock-timeout: ${(error as Error).message}`, {code: 'INVALID_DURATION'})
    }
    let said = false
    return {
      lockTimeoutMs,
      onWait: (holder) => {
        if (said || lockTimeoutMs === 0) return
        said = true
        const serving = holder.url ? `, which shares it at ${holder.url}` : ''
        this.note(`waiting for the catalog (in use by process ${holder.pid}${serving})…`)
      },
    }
  }

  /** Open the catalog (once); commands that never call this never pay for it. */
  protected async catalog(): Promise<Db> {
    if (!this.db) {
      const location = this.catalogLocation
      const options = await this.catalogOpenOptions()
      const {openCatalog} = await import('./lib/catalog/open.js')
      this.db = await openCatalog(location, options)
    }
    return this.db
  }

  /** Adopt a catalog opened elsewhere (catalog init) so it is closed with the command. */
  protected adoptCatalog(db: Db): void {
    this.db = db
  }

  protected get stdoutIsTTY(): boolean {
    return Boolean(process.stdout.isTTY)
  }

  /** Print rows: a table fitting the terminal's width on a TTY, TSV with a header line when piped. */
  protected printRows<R extends Record<string, unknown>>(columns: readonly Column[], rows: readonly R[]): void {
    if (this.jsonEnabled()) return
    const text = renderRows(columns, rows, {
      tty: this.stdoutIsTTY,
      color: this.style.enabled,
      width: process.stdout.columns,
    })
    if (text.length > 0) process.stdout.write(text.endsWith('\n') ? text : `${text}\n`)
  }

  /** A line for people on stdout (suppressed under --json). */
  protected say(line = ''): void {
    if (!this.jsonEnabled()) process.stdout.write(`${line}\n`)
  }

  /** Progress and notes: always stderr, never part of the result. */
  protected note(line: string): void {
    process.stderr.write(`${line}\n`)
  }

  /**
   * Report a dry run: the description of what would be written on stdout (it is the command's
   * data), a note on stderr, and with --json one document `{"dry_run": true, …}` with the fields
   * of the real command's result (arrays under `key`).
   */
  protected dryRunResult<R extends object>(result: R, lines: readonly string[]): DryRun<R> {
    for (const line of lines) this.say(line)
    this.note('Dry run: nothing written.')
    return {dry_run: true, ...result}
  }

  protected warnLine(line: string): void {
    process.stderr.write(`${this.errStyle.warn('Warning:')} ${line}\n`)
  }

  protected get canPrompt(): boolean {
    return Boolean(process.stdin.isTTY && process.stderr.isTTY) && !process.env.CI
  }

  /** Ask yes/no on a terminal; without one, refuse with the flag to pass instead. */
  protected async confirm(message: string, flagHint: string): Promise<boolean> {
    if (!this.canPrompt) {
      throw new UsageError(`refusing to ask for confirmation without a terminal`, {code: 'CONFIRMATION_REQUIRED', hint: `pass ${flagHint}`})
    }
    const {confirm} = await import('@inquirer/prompts')
    return confirm({message, default: false}, {output: process.stderr})
  }

  public override async catch(error: Error & {oclif?: {exit?: number}; parse?: unknown}): Promise<void> {
    const verbose = Boolean(this.argv?.includes('--verbose') || process.env.DEBUG)
    let exitCode: number = exitCodes.failure
    let code = 'INTERNAL'
    let message = error.message
    let hint: string | undefined
    if (error instanceof MzclusterError) {
      exitCode = error.exitCode
      code = error.code
      hint = error.hint
    } else if (error.name === 'ExitPromptError' || error.name === 'AbortPromptError') {
      // Ctrl-C at a prompt: the user knows; leave quietly (a JSON caller still gets its document).
      process.exitCode = 130
      if (this.jsonEnabled?.()) {
        process.stdout.write(`${JSON.stringify({error: {code: 'INTERRUPTED', message: 'interrupted', hint: null, exit_code: 130}}, null, 2)}\n`)
      }
      return
    } else if (isOclifParseError(error)) {
      // oclif's own flag/argument parse errors: invalid usage.
      exitCode = exitCodes.usage
      code = 'INVALID_USAGE'
      message = parseErrorMessage(error)
      hint = `see \`mzcluster ${this.id?.replaceAll(':', ' ') ?? ''} --help\``
    } else {
      const cause = (error as {cause?: Error}).cause
      if (cause instanceof MzclusterError) return this.catch(cause)
      message = `internal error: ${message}`
      hint = 'rerun with --verbose for details'
    }
    process.exitCode = exitCode
    if (this.jsonEnabled?.()) {
      process.stdout.write(`${JSON.stringify({error: {code, message, hint: hint ?? null, exit_code: exitCode}}, null, 2)}\n`)
    } else {
      const style = this.errStyle ?? makeStyle(false)
      process.stderr.write(`${style.error('Error:')} ${message}\n`)
      if (hint) process.stderr.write(`${style.dim(`Hint: ${hint}`)}\n`)
    }
    if (verbose && error.stack) process.stderr.write(`${error.stack}\n`)
  }

  public override async finally(error: Error | undefined): Promise<void> {
    if (this.db) {
      const db = this.db
      this.db = undefined
      await db.close().catch(() => {})
    }
    await super.finally(error)
  }

  private get commandClass(): typeof BaseCommand {
    return this.constructor as typeof BaseCommand
  }
}

/**
 * One line for an oclif parse error, in the CLI's words: oclif spreads one problem over several
 * lines and names arguments by their key ("Missing 1 required arg:\nname  Cluster name."), so a
 * missing argument reads "missing argument NAME (cluster name)" as the usage line spells it, and
 * missing flags are listed together ("missing required flags --cluster, --type").
 */
export function parseErrorMessage(error: Error & {args?: unknown}): string {
  if (error.constructor?.name === 'RequiredArgsError' && Array.isArray(error.args)) {
    const args = (error.args as {name?: string; description?: string}[]).filter((arg) => arg.name)
    const described = args.map((arg) => {
      const what = arg.description?.trim().replace(/\.$/, '')
      const lowered = what && /^[A-Z][a-z]/.test(what) ? what[0]!.toLowerCase() + what.slice(1) : what
      return `${arg.name!.toUpperCase()}${lowered ? ` (${lowered})` : ''}`
    })
    return `missing argument${described.length === 1 ? '' : 's'} ${described.join(', ')}`
  }
  const lines = error.message
    // eslint-disable-next-line no-control-regex
    .replace(/\u001b\[[0-9;]*m/g, '')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !/^See more help/.test(line) && !/^The following errors? occurred/.test(line))
  const missingFlags = lines.flatMap((line) => /^Missing required flag (\S+)$/.exec(line)?.[1] ?? [])
  if (missingFlags.length > 0 && missingFlags.length === lines.length) {
    const flags = missingFlags.map((flag) => `--${flag}`).join(', ')
    return `missing required flag${missingFlags.length === 1 ? '' : 's'} ${flags}`
  }
  return lines.slice(0, 2).join(' ').replace(/\s+/g, ' ')
}

/** oclif's own flag/argument parse errors (CLIParseError and its subclasses). */
function isOclifParseError(error: Error & {parse?: unknown}): boolean {
  return error.parse !== undefined || /Flag|Arg|Parse/.test(error.constructor?.name ?? '')
}

/** The `strict` a command class declares itself; oclif's default (true) unless it says otherwise. */
export function declaredStrict(commandClass: Command.Class): boolean {
  for (let cls: unknown = commandClass; cls && cls !== BaseCommand; cls = Object.getPrototypeOf(cls)) {
    if (Object.hasOwn(cls as object, 'strict')) return (cls as typeof BaseCommand).strict
  }
  return true
}
