// `mzcluster run` as an operator leaves it running, on a PostgreSQL catalog:
//   (a) two controllers: exactly one leads, the other stands by; SIGKILL the leader and the standby
//       takes over within two intervals of the kill (the lease expires after 1.5 intervals, standbys
//       poll every half interval) and then does the work;
//   (b) SIGTERM stops the leader cleanly after the tick in flight: exit 0, "stopped", its lease row
//       deleted — so a standby takes over at once rather than after the lease expires;
//   (c) LISTEN: with a 30 s interval an alter, and then a signal report with pg_notify, wake the
//       leader within about a second ("tick (woken)"); with --poll-only the same alter waits;
//   (d) connection loss: the machine's PostgreSQL is shared, so instead of restarting it the test
//       terminates the run's backends (pg_terminate_backend by application name), three times in a
//       row; `run` logs the lost connection with a retry, keeps running, does not leak connections,
//       and acts on a later alter.

import {afterAll, afterEach, beforeEach, describe, expect, it} from 'vitest'
import {alterCluster} from '../../src/lib/alter/alter.js'
import type {Db} from '../../src/lib/catalog/db.js'
import {selectCatalog} from '../../src/lib/catalog/location.js'
import {openCatalog} from '../../src/lib/catalog/open.js'
import {LEASE_NAME} from '../../src/lib/ops/run.js'
import type {TestCatalog} from '../support/catalogs.js'
import {freshCatalog} from '../support/catalogs.js'
import {createManagedCluster} from './scenario.js'
import {killChildren, reportReadySql, RunProcess, serverUrl, sleep, sql, withClient} from './support.js'

const INTERVAL_MS = 500
/** Scheduling slack on a loaded 2-core CI machine (timers, pipes), on top of the designed bound. */
const SLACK_MS = 1000

const leases = (url: string) => sql<{holder: string; expires_at: number}>(url, 'SELECT holder, expires_at FROM mzcluster.controller_leases WHERE name = $1', [LEASE_NAME])

describe.skipIf(!serverUrl())('run: leadership, clean stop, wake-ups and lost connections', () => {
  let catalog: TestCatalog
  let url: string
  const extraDbs: Db[] = []
  beforeEach(async () => {
    catalog = await freshCatalog('server')
    url = catalog.location
    await createManagedCluster(catalog.db, 'svc', '100cc', 1)
  })
  afterEach(async () => {
    killChildren()
    for (const db of extraDbs.splice(0)) await db.close().catch(() => {})
    await catalog?.destroy()
  })
  afterAll(() => killChildren())

  it('(a) one of two controllers leads; when it is SIGKILLed the standby takes over within two intervals', {timeout: 60_000}, async () => {
    const a = RunProcess.start(url, ['--interval', `${INTERVAL_MS}ms`])
    const b = RunProcess.start(url, ['--interval', `${INTERVAL_MS}ms`])
    const roles = await Promise.all(
      [a, b].map(async (run) => {
        const line = await run.waitFor(/run: (leading|standby)/, {timeoutMs: 20_000})
        return line.text.includes('leading') ? 'leader' : 'standby'
      }),
    )
    expect([...roles].sort()).toEqual(['leader', 'standby'])
    const [leader, standby] = roles[0] === 'leader' ? [a, b] : [b, a]
    // The leader ticks (creates the cluster's replica); the standby never does.
    await leader.waitFor(/tick.*1 created/, {timeoutMs: 10_000})
    await sleep(3 * INTERVAL_MS)
    expect(standby.text()).not.toMatch(/leading|tick/)
    expect(standby.text()).toMatch(/standby; .* holds the lease/)
    const [lease] = await leases(url)
    expect(lease?.holder).toMatch(new RegExp(`:${leader.pid}:`))

    const killedAt = leader.kill('SIGKILL')
    const from = standby.lines.length
    const takeover = await standby.waitFor(/run: leading/, {timeoutMs: 10_000, from})
    const takeoverMs = takeover.at - killedAt
    process.stderr.write(`[run] standby took over ${takeoverMs}ms after the leader was SIGKILLed (interval ${INTERVAL_MS}ms)\n`)
    expect(takeoverMs).toBeLessThanOrEqual(2 * INTERVAL_MS + SLACK_MS)
    expect((await leases(url))[0]?.holder).toMatch(new RegExp(`:${standby.pid}:`))

    // And the new leader does the work: an alter is acted on.
    await alterCluster(catalog.db, 'svc', {replicationFactor: 2, timing: {kind: 'default'}})
    await standby.waitFor(/tick.*1 created.*\[svc\]/, {timeoutMs: 10_000, from})
  })

  it('(b) SIGTERM stops the leader after the tick in flight, exit 0, lease released; a standby leads at once', {timeout: 60_000}, async () => {
    // A long lease (1.5 × 3 s) for the leader, a quick poll (every 0.5 s) for the standby.
    const leader = RunProcess.start(url, ['--interval', '3s'])
    await leader.waitFor(/run: leading/, {timeoutMs: 20_000})
    await leader.waitFor(/tick.*created/, {timeoutMs: 10_000})
    const standby = RunProcess.start(url, ['--interval', '1s'])
    await standby.waitFor(/run: standby/, {timeoutMs: 20_000})
    expect((await leases(url)).map((l) => l.holder)).toEqual([expect.stringMatching(new RegExp(`:${leader.pid}:`))])

    const stoppedAt = leader.kill('SIGTERM')
    const exit = await leader.exited
    expect(exit).toMatchObject({code: 0, signal: null})
    expect(exit.at - stoppedAt).toBeLessThan(5_000)
    expect(leader.text()).toMatch(/run: stopped$/m)
    // Released, not left to expire: the standby leads within its next poll, long before the old
    // lease (4.5 s) could have expired.
    const from = standby.lines.length
    const takeover = await standby.waitFor(/run: leading/, {timeoutMs: 10_000, from})
    process.stderr.write(`[run] SIGTERM: exit 0 after ${exit.at - stoppedAt}ms; the standby led ${takeover.at - stoppedAt}ms after the SIGTERM\n`)
    expect(takeover.at - stoppedAt).toBeLessThan(500 + SLACK_MS)
    expect((await leases(url)).map((l) => l.holder)).toEqual([expect.stringMatching(new RegExp(`:${standby.pid}:`))])

    standby.kill('SIGTERM')
    expect(await standby.exited).toMatchObject({code: 0})
    expect(await leases(url)).toEqual([])
  })

  it('(c) with a 30 s interval, an alter and a signal report wake the leader within about a second; --poll-only waits', {timeout: 60_000}, async () => {
    const run = RunProcess.start(url, ['--interval', '30s'])
    await run.waitFor(/run: leading/, {timeoutMs: 20_000})
    await run.waitFor(/tick.*1 created.*\[svc\]/, {timeoutMs: 10_000})

    let from = run.lines.length
    await alterCluster(catalog.db, 'svc', {size: '200cc', timing: {kind: 'default'}})
    const committedAt = Date.now()
    const woken = await run.waitFor(/tick \(woken\): 1 created/, {timeoutMs: 10_000, from})
    const alterLatency = woken.at - committedAt

    // The orchestrator reports the new replica ready (with pg_notify): the cut-over follows at once.
    from = run.lines.length
    const [target] = await sql<{id: string}>(url, `SELECT r.id FROM mzcluster.replicas r JOIN mzcluster.clusters c ON c.id = r.cluster_id WHERE c.name = 'svc' AND r.size = '200cc'`)
    await withClient(url, (client) => reportReadySql(client, target?.id as string))
    const reportedAt = Date.now()
    const cutOver = await run.waitFor(/tick \(woken\): 0 created, 1 dropped, 1 state writes/, {timeoutMs: 10_000, from})
    const signalLatency = cutOver.at - reportedAt
    process.stderr.write(`[run] LISTEN: alter → woken tick in ${alterLatency}ms, signal report → woken cut-over in ${signalLatency}ms (interval 30s)\n`)
    expect(alterLatency).toBeLessThan(2_000)
    expect(signalLatency).toBeLessThan(2_000)
    run.kill('SIGTERM')
    await run.exited

    // Without LISTEN the same kind of alter waits for the interval. (Give the poller's first tick
    // something to do, so we know when it has passed.)
    await alterCluster(catalog.db, 'svc', {replicationFactor: 2, timing: {kind: 'default'}})
    const polling = RunProcess.start(url, ['--interval', '30s', '--poll-only'])
    await polling.waitFor(/run: started .*\(polling only\)/, {timeoutMs: 20_000})
    await polling.waitFor(/run: leading/, {timeoutMs: 20_000})
    await polling.waitFor(/tick: 1 created/, {timeoutMs: 10_000})
    from = polling.lines.length
    await alterCluster(catalog.db, 'svc', {size: '400cc', timing: {kind: 'default'}})
    await sleep(3_000)
    expect(polling.lines.slice(from).map((line) => line.text)).toEqual([])
  })

  it('(d) backends terminated three times: run logs the loss with a retry, keeps running, leaks nothing, and acts on a later alter', {timeout: 60_000}, async () => {
    const run = RunProcess.start(url, ['--interval', `${INTERVAL_MS}ms`])
    await run.waitFor(/run: leading/, {timeoutMs: 20_000})
    await run.waitFor(/tick.*1 created/, {timeoutMs: 10_000})
    // The test's own library handle shares the application name: close it, use fresh ones after.
    await catalog.close()
    const database = new URL(url).pathname.slice(1)
    const from = run.lines.length
    let terminated = 0
    for (let round = 0; round < 3; round++) {
      const [row] = await sql<{n: number}>(
        url,
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'mzcluster' AND datname = $1`,
        [database],
      )
      terminated += row?.n ?? 0
      await sleep(INTERVAL_MS + 300)
    }
    expect(terminated).toBeGreaterThanOrEqual(3)
    await run.waitFor(/run: .*(terminat|connection).*; retrying in \d+ms/, {timeoutMs: 10_000, from})
    await sleep(2 * INTERVAL_MS)
    expect(run.running).toBe(true)
    // Reconnected, and no connection left behind: a pool of 4 at most, one of them listening.
    const sessions = await sql<{query: string}>(url, `SELECT query FROM pg_stat_activity WHERE application_name = 'mzcluster' AND datname = $1`, [database])
    expect(sessions.length).toBeGreaterThan(0)
    expect(sessions.length).toBeLessThanOrEqual(4)
    expect(sessions.some((session) => /^LISTEN/.test(session.query))).toBe(true)

    const db = await openCatalog(selectCatalog(url))
    extraDbs.push(db)
    const later = run.lines.length
    await alterCluster(db, 'svc', {replicationFactor: 2, timing: {kind: 'default'}})
    await run.waitFor(/tick.*1 created.*\[svc\]/, {timeoutMs: 10_000, from: later})
    expect(run.running).toBe(true)
    process.stderr.write(`[run] lost connections: ${terminated} backends terminated in 3 rounds; log:\n${run.lines.slice(from).map((l) => `    ${l.text}`).join('\n')}\n`)
  })
})
