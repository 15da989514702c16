// Catalog selection (product.md §3): --catalog, MZCLUSTER_CATALOG, DATABASE_URL, then the embedded
// default directory under XDG_DATA_HOME. A postgres:// URL is a server; anything else a directory.

import {homedir} from 'node:os'
import {join, resolve} from 'node:path'

export type CatalogLocation = {kind: 'server'; url: string} | {kind: 'embedded'; dir: string}

export function isServerUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value)
}

export function defaultCatalogDir(env: NodeJS.ProcessEnv = process.env): string {
  const dataHome = env.XDG_DATA_HOME && env.XDG_DATA_HOME.length > 0 ? env.XDG_DATA_HOME : join(homedir(), '.local', 'share')
  return join(dataHome, 'mzcluster', 'catalog')
}

export function selectCatalog(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): CatalogLocation {
  const chosen = [flag, env.MZCLUSTER_CATALOG, env.DATABASE_URL].find((v) => v !== undefined && v.trim() !== '')
  if (chosen === undefined) return {kind: 'embedded', dir: defaultCatalogDir(env)}
  return isServerUrl(chosen) ? {kind: 'server', url: chosen} : {kind: 'embedded', dir: resolve(chosen)}
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
