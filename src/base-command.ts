// The base every command extends. It owns the rules no command may get wrong: where the catalog
// is and when it is opened (only when a command asks), colour decided once from the TTY and
// NO_COLOR, tables on a TTY and TSV when piped, errors as one or two lines with the documented exit
// code, JSON errors under --json, and never prompting without a terminal.

import type {Interfaces} from '@oclif/core'
import {Command, Flags} from '@oclif/core'
import type {Db} from './lib/catalog/db.js'
import type {CatalogLocation} from './lib/catalog/location.js'
import {selectCatalog} from './lib/catalog/location.js'
import {exitCodes, MzclusterError, UsageError} from './lib/errors.js'
import type {Column} from './lib/output/table.js'
import {renderRows} from './lib/output/table.js'
import type {Style} from './lib/output/style.js'
import {decideColor, makeStyle} from './lib/output/style.js'

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
    'no-color': Flags.boolean({summary: 'Never colour the output (NO_COLOR is honoured too).', helpGroup: 'GLOBAL'}),
    verbose: Flags.boolean({summary: 'Print stack traces with errors.', helpGroup: 'GLOBAL'}),
  }

  protected flags!: BaseFlags<T>
  protected args!: BaseArgs<T>
  /** Colours for stdout; `errStyle` for stderr. Decided once, here. */
  protected style!: Style
  protected errStyle!: Style
  private db: Db | undefined

  public override async init(): Promise<void> {
    await super.init()
    const noColorFlag = this.argv.includes('--no-color')
    this.style = makeStyle(decideColor({isTTY: Boolean(process.stdout.isTTY), env: process.env, noColorFlag}))
    this.errStyle = makeStyle(decideColor({isTTY: Boolean(process.stderr.isTTY), env: process.env, noColorFlag}))
    const {args, flags} = await this.parse({
      flags: this.commandClass.flags,
      baseFlags: this.commandClass.baseFlags,
      enableJsonFlag: this.commandClass.enableJsonFlag,
      args: this.commandClass.args,
      strict: this.commandClass.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as BaseArgs<T>
  }

  protected get catalogLocation(): CatalogLocation {
    return selectCatalog(this.flags.catalog)
  }

  /** Open the catalog (once); commands that never call this never pay for it. */
  protected async catalog(): Promise<Db> {
    if (!this.db) {
      const {openCatalog} = await import('./lib/catalog/open.js')
      this.db = await openCatalog(this.catalogLocation)
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

  /** Print rows: an aligned table on a TTY, TSV with a header line when piped. */
  protected printRows<R extends Record<string, unknown>>(columns: readonly Column[], rows: readonly R[]): void {
    if (this.jsonEnabled()) return
    const text = renderRows(columns, rows, {tty: this.stdoutIsTTY, color: this.style.enabled})
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
      exitCode = 130
      code = 'INTERRUPTED'
      message = 'interrupted'
    } else if (error.parse !== undefined || /Flag|Arg|Parse/.test(error.constructor?.name ?? '')) {
      // oclif's own flag/argument parse errors: invalid usage.
      exitCode = exitCodes.usage
      code = 'INVALID_USAGE'
      // oclif spreads one problem over several lines ("Missing 1 required arg:\nname  Cluster name.").
      const lines = message
        .split('\n')
        .map((line) => line.trim())
        .filter((line) => line && !/^See more help/.test(line) && !/^The following errors occurred/.test(line))
      message = lines.slice(0, 2).join(' ').replace(/\s+/g, ' ')
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
