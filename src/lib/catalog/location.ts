// Catalog selection (product.md §3): --catalog, MZCLUSTER_CATALOG, DATABASE_URL, then the embedded
// default directory under XDG_DATA_HOME. A postgres:// URL is a server; anything else a directory.
// A location is checked here, before anything is created, and remembers where it came from so that
// every catalog error can name it.

import {statSync} from 'node:fs'
import {homedir} from 'node:os'
import {join, resolve} from 'node:path'
import {UsageError} from '../errors.js'

/** Where a catalog location was taken from, as errors name it. */
export type LocationSource = '--catalog' | 'MZCLUSTER_CATALOG' | 'DATABASE_URL' | 'default path'

export type CatalogLocation = ({kind: 'server'; url: string} | {kind: 'embedded'; dir: string}) & {
  /** Absent for locations built by hand (tests, benchmarks); read as `--catalog`. */
  readonly source?: LocationSource
}

export function isServerUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value)
}

/** `scheme://…` with any scheme; a plain path never matches. */
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i

export function defaultCatalogDir(env: NodeJS.ProcessEnv = process.env): string {
  const dataHome = env.XDG_DATA_HOME && env.XDG_DATA_HOME.length > 0 ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share')
  return join(dataHome, 'mzcluster', 'catalog')
}

/**
 * The catalog to use. An empty `--catalog` is refused (an empty environment variable counts as
 * unset, as shells use it); so is a URL whose scheme is not postgres/postgresql, a postgres URL
 * that cannot be parsed, and a path that exists but is not a directory. All exit 2.
 */
export function selectCatalog(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): CatalogLocation {
  if (flag !== undefined && flag.trim() === '') {
    throw new UsageError('--catalog is empty', {
      code: 'INVALID_CATALOG',
      hint: 'give a postgres:// URL or a directory, or leave --catalog out to use MZCLUSTER_CATALOG, DATABASE_URL or the default path',
    })
  }
  const candidates: [string | undefined, LocationSource][] = [
    [flag, '--catalog'],
    [env.MZCLUSTER_CATALOG, 'MZCLUSTER_CATALOG'],
    [env.DATABASE_URL, 'DATABASE_URL'],
  ]
  const chosen = candidates.find(([value]) => value !== undefined && value.trim() !== '')
  if (chosen === undefined) return {kind: 'embedded', dir: defaultCatalogDir(env), source: 'default path'}
  const [value, source] = chosen as [string, LocationSource]
  const scheme = SCHEME.exec(value)
  if (scheme && !isServerUrl(value)) {
    throw new UsageError(`unsupported catalog URL scheme "${scheme[1]}" (from ${source}): only postgres:// and postgresql:// are servers`, {
      code: 'INVALID_CATALOG',
      hint: 'give a postgres:// URL, or a directory path for an embedded catalog',
    })
  }
  if (isServerUrl(value)) {
    try {
      new URL(value)
    } catch {
      throw new UsageError(`the catalog URL ${redactUrl(value)} (from ${source}) cannot be parsed`, {
        code: 'INVALID_CATALOG',
        hint: 'use the form postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE (percent-encode special characters)',
      })
    }
    return {kind: 'server', url: value, source}
  }
  const dir = resolve(value)
  checkDirectoryPath(dir, source)
  return {kind: 'embedded', dir, source}
}

/** An existing path must be a directory (a missing one is created by `catalog init`). */
function checkDirectoryPath(dir: string, source: LocationSource): void {
  let stats
  try {
    stats = statSync(dir)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOTDIR') {
      throw new UsageError(`the catalog path ${dir} (from ${source}) runs through a file, not a directory`, {code: 'INVALID_CATALOG'})
    }
    return
  }
  if (!stats.isDirectory()) {
    throw new UsageError(`the catalog path ${dir} (from ${source}) is a file, not a catalog directory`, {
      code: 'INVALID_CATALOG',
      hint: 'point --catalog at a catalog directory, or at a new or empty one and run `mzcluster catalog init`',
    })
  }
}

/** A server URL with its password replaced by `***` (also inside query parameters). */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass|secret|token/i.test(key)) parsed.searchParams.set(key, '***')
    }
    return parsed.toString()
  } catch {
    return url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:***@')
  }
}

export function describeLocation(location: CatalogLocation): string {
  return location.kind === 'server' ? redactUrl(location.url) : location.dir
}

/** The location as errors name it: `/path (from --catalog)`. */
export function whereLocation(location: CatalogLocation): string {
  return `${describeLocation(location)} (from ${location.source ?? '--catalog'})`
}
