// Reading a size map file for `size import`: either our own `size list --json` array, or
// Materialize's `--cluster-replica-sizes` map. Everything is validated here, before the catalog is
// touched; the first defect is refused with the entry and the field it is in.

import {readFile} from 'node:fs/promises'
import {text as readStream} from 'node:stream/consumers'
import {UsageError} from '../errors.js'
import {sizeFamily} from '../flags/size-family.js'
import {validateName} from '../input/names.js'
import {parseMemory} from './memory.js'

/** One replica size, parsed and validated. */
export interface SizeSpec {
  readonly name: string
  readonly family: string
  readonly workers: number
  readonly processes: number
  readonly memoryBytes: number
  /** Credits per hour; a decimal number ≥ 0. */
  readonly creditsPerHour: number
  readonly disabled: boolean
}

type Entry = Record<string, unknown>

const CREDITS = /^\d+(?:\.\d+)?$/
/** The largest workers/processes count: the catalog's columns are `integer`. */
const MAX_COUNT = 2_147_483_647

/** The text of FILE, or of stdin for `-`; an unreadable file is a usage error. */
export async function readSizeSource(path: string): Promise<{text: string; source: string}> {
  if (path === '-') return {text: await readStream(process.stdin), source: 'stdin'}
  try {
    return {text: await readFile(path, 'utf8'), source: path}
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message
    throw new UsageError(`cannot read size file ${path}: ${reason}`, {code: 'INVALID_SIZE_FILE'})
  }
}

/** Parses the file's text; `source` names it in messages (a path, or "stdin"). */
export function parseSizeFile(text: string, source: string): SizeSpec[] {
  let document: unknown
  try {
    document = JSON.parse(text)
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON: ${(error as Error).message}`, {
      code: 'INVALID_SIZE_FILE',
    })
  }
  const sizes = Array.isArray(document)
    ? document.map((entry, i) => fromListEntry(entry, source, i))
    : isEntry(document)
      ? Object.entries(document).map(([name, entry]) => fromMaterializeEntry(name, entry, source))
      : invalid(source, null, 'expected a JSON array of sizes or an object mapping size names to sizes')
  if (sizes.length === 0) invalid(source, null, 'the file holds no sizes')
  const seen = new Map<string, number>()
  sizes.forEach((size, i) => {
    const first = seen.get(size.name)
    if (first !== undefined)
      invalid(
        source,
        `entry ${i + 1} (${JSON.stringify(size.name)})`,
        `repeats the size of entry ${first + 1}`,
      )
    seen.set(size.name, i)
  })
  return sizes
}

/** An element of our own array: the `size list --json` shape (family and disabled optional). */
function fromListEntry(entry: unknown, source: string, index: number): SizeSpec {
  const label =
    isEntry(entry) && typeof entry.name === 'string'
      ? `entry ${index + 1} (${JSON.stringify(entry.name)})`
      : `entry ${index + 1}`
  if (!isEntry(entry)) return invalid(source, label, 'must be an object')
  const field = new FieldReader(entry, source, label)
  return {
    name: field.name('name', entry.name),
    family: field.family(),
    workers: field.positiveInteger('workers'),
    processes: field.positiveInteger('processes'),
    memoryBytes: field.memory('memory_bytes'),
    creditsPerHour: field.credits('credits_per_hour'),
    disabled: field.boolean('disabled'),
  }
}

/** A value of Materialize's `--cluster-replica-sizes` map; unknown keys (cpu_limit, …) are ignored. */
function fromMaterializeEntry(name: string, entry: unknown, source: string): SizeSpec {
  const label = `size ${JSON.stringify(name)}`
  if (!isEntry(entry)) return invalid(source, label, 'must be an object')
  const field = new FieldReader(entry, source, label)
  return {
    name: field.name('name', name),
    family: field.family(),
    workers: field.positiveInteger('workers'),
    processes: field.positiveInteger('scale'),
    memoryBytes: field.memory('memory_limit'),
    creditsPerHour: field.credits('credits_per_hour'),
    disabled: field.boolean('disabled'),
  }
}

class FieldReader {
  constructor(
    private readonly entry: Entry,
    private readonly source: string,
    private readonly label: string,
  ) {}

  name(field: string, value: unknown): string {
    if (typeof value !== 'string') return this.fail(field, 'must be a non-empty string')
    try {
      return validateName('size', value)
    } catch (error) {
      return this.fail(field, `is invalid: ${(error as Error).message}`)
    }
  }

  /** Explicit `family`, else `cc` or `legacy` from `is_cc` (default true), as Materialize derives it. */
  family(): string {
    const {family, is_cc: isCc} = this.entry
    if (family !== undefined && (typeof family !== 'string' || family.trim() === ''))
      this.fail('family', 'must be a non-empty string')
    if (isCc !== undefined && typeof isCc !== 'boolean') this.fail('is_cc', 'must be true or false')
    return sizeFamily({family: family as string | undefined, isCc: isCc as boolean | undefined})
  }

  positiveInteger(field: string): number {
    const value = this.entry[field]
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
      return this.fail(field, `must be an integer ≥ 1, got ${describe(value)}`)
    }
    // The catalog stores workers and processes as 32-bit integers; a larger count is refused here
    // rather than failing the INSERT (an internal error, exit 1).
    if (value > MAX_COUNT) return this.fail(field, `must be at most ${MAX_COUNT}, got ${describe(value)}`)
    return value
  }

  memory(field: string): number {
    const bytes = parseMemory(this.entry[field])
    if (bytes === null)
      return this.fail(
        field,
        `must be a positive byte count such as 8GiB or 8589934592, got ${describe(this.entry[field])}`,
      )
    return bytes
  }

  /** A number ≥ 0, or a decimal string (Materialize writes `"0.25"`). */
  credits(field: string): number {
    const value = this.entry[field]
    const credits =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && CREDITS.test(value.trim())
          ? Number(value)
          : Number.NaN
    if (!Number.isFinite(credits) || credits < 0)
      return this.fail(field, `must be a number ≥ 0, got ${describe(value)}`)
    return credits
  }

  boolean(field: string): boolean {
    const value = this.entry[field]
    if (value === undefined) return false
    if (typeof value !== 'boolean') return this.fail(field, `must be true or false, got ${describe(value)}`)
    return value
  }

  private fail(field: string, problem: string): never {
    return invalid(this.source, this.label, `field "${field}" ${problem}`)
  }
}

const isEntry = (value: unknown): value is Entry =>
  typeof value === 'object' && value !== null && !Array.isArray(value)

const describe = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value))

function invalid(source: string, where: string | null, problem: string): never {
  throw new UsageError(`invalid size file ${source}: ${where === null ? '' : `${where}: `}${problem}`, {
    code: 'INVALID_SIZE_FILE',
    hint: 'nothing was imported; see `mzcluster size import --help` for the accepted formats',
  })
}
