// Runs once per test run: decides whether the PostgreSQL server suite runs. The server is taken
// from MZCLUSTER_TEST_POSTGRES_URL (default: the local server on 127.0.0.1:5432). With
// MZCLUSTER_TEST_POSTGRES_REQUIRED=1 (as .ci/run sets) an unreachable server fails the run;
// otherwise the server suite is skipped and the run says so. Every database a test creates is
// named mzcluster_test_<run id>_…, and any left behind by this run is dropped at the end.

import {randomBytes} from 'node:crypto'
import type {TestProject} from 'vitest/node'
import pg from 'pg'

declare module 'vitest' {
  export interface ProvidedContext {
    serverUrl: string | null
    runId: string
  }
}

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres'

async function reachable(url: string): Promise<string | null> {
  const client = new pg.Client({connectionString: url, connectionTimeoutMillis: 3000})
  try {
    await client.connect()
    await client.query('SELECT 1')
    return null
  } catch (error) {
    return (error as Error).message
  } finally {
    await client.end().catch(() => {})
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const runId = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`
  const url = process.env.MZCLUSTER_TEST_POSTGRES_URL || DEFAULT_URL
  const problem = await reachable(url)
  const required = process.env.MZCLUSTER_TEST_POSTGRES_REQUIRED === '1'
  if (problem && required) {
    throw new Error(`the PostgreSQL server suite is required but ${url} is unreachable: ${problem}`)
  }
  if (problem) {
    process.stderr.write(`\n[mzcluster tests] PostgreSQL server suite SKIPPED: ${url} unreachable (${problem}).\n`)
    process.stderr.write('[mzcluster tests] Set MZCLUSTER_TEST_POSTGRES_URL to run it; only the embedded catalog is tested.\n\n')
  } else {
    process.stderr.write(`\n[mzcluster tests] PostgreSQL server suite enabled (${url.replace(/:[^:@/]*@/, ':***@')}), run ${runId}.\n\n`)
  }
  project.provide('serverUrl', problem ? null : url)
  project.provide('runId', runId)
  return async () => {
    if (problem) return
    const client = new pg.Client({connectionString: url})
    await client.connect()
    const {rows} = await client.query<{datname: string}>('SELECT datname FROM pg_database WHERE datname LIKE $1', [
      `mzcluster_test_${runId}_%`,
    ])
    for (const {datname} of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`)
    await client.end()
  }
}
