// The `build` context of every LaunchDarkly evaluation (flags-spec §5.3): this tool's version as
// the semantic version and a build SHA from MZCLUSTER_BUILD_SHA (set by release builds), else
// `unknown`.

import {readFileSync} from 'node:fs'

import type {BuildInfo} from './contexts.js'

let packageVersion: string | undefined

/** The package version, read once from package.json (two levels above both src/lib and dist/lib). */
export function toolVersion(): string {
  if (packageVersion === undefined) {
    const text = readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')
    packageVersion = String((JSON.parse(text) as {version?: unknown}).version ?? '0.0.0')
  }
  return packageVersion
}

export function buildInfo(env: Readonly<Record<string, string | undefined>> = process.env): BuildInfo {
  return {sha: env.MZCLUSTER_BUILD_SHA || 'unknown', semver: toolVersion()}
}
