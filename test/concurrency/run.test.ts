// `mzcluster run` as an operator leaves it running, on a PostgreSQL catalog:
//   (a) two controllers: exactly one leads, the other stands by and never ticks while the lease is
//       held; SIGKILL the leader and the standby takes over once the dead leader's lease expires,
//       and then does the work;
//   (b) SIGTERM stops the leader cleanly after the tick in flight: exit 0, "stopped", its lease row
//       deleted — so a standby takes over well before the old lease could have expired;
//   (c) LISTEN: with a one-hour interval an alter, and then a signal report with pg_notify, wake
//       the leader ("tick (woken)"); with --poll-only there is no listening session and the same
//       alter is picked up by an interval tick, never a woken one;
//   (d) connection loss: the machine's PostgreSQL is shared, so instead of restarting it the test
//       terminates the run's backends (pg_terminate_backend by application name), three times in a
//       row; `run` logs the lost connection with a retry, reconnects, does not leak connections,
//       and acts on a later alter.
// Every wait is for the event itself (a log line, a row, a session) under a generous ceiling; how
// fast a standby takes over or a notification wakes the leader is measured by bench/latency.js.

import {afterAll, afterEach, beforeEach, describe, expect, it} from 'vitest'
import {alterCluster} from '../../src/lib/alter/alter.js'
import type {Db} from '../../src/lib/catalog/db.js'
import {selectCatalog} from '../../src/lib/catalog/location.js'
import {openCatalog} from '../../src/lib/catalog/open.js'
import {LEASE_NAME} from '../../src/lib/ops/run.js'
import type {TestCatalog} from '../support/catalogs.js'
import {freshCatalog} from '../support/catalogs.js'
import {waitFor} from '../support/wait.js'
import {createManagedCluster} from './scenario.js'
import {killChildren, reportReadySql, RunProcess, serverUrl, sql, withClient} from './support.js'

/** Ceiling for any one awaited event: only a hung or broken controller reaches it. */
const EVENT_MS = 60_000

const leases = (url: string) => sql<{holder: string; expires_at: number}>(url, 'SELECT holder, expires_at FROM mzcluster.controller_leases WHERE name = $1', [LEASE_NAME])

/** The CLI's sessions on the database (the test's own clients use another application name). */
const cliSessions = (url: string) =>
  sql<{query: string}>(url, `SELECT query FROM pg_stat_activity WHERE application_name = 'mzcluster' AND datname = $1`, [new URL(url).pathname.slice(1)])

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

  it('(a) one of two controllers leads; when it is SIGKILLed the standby takes over once the lease expires', {timeout: 180_000}, async () => {
    // The leader's lease (1.5 × 8 s) outlives any scheduling delay of its renewals on a loaded
    // machine; the standby polls every 0.25 s.
    const leader = RunProcess.start(url, ['--interval', '8s'])
    await leader.waitFor(/run: leading/, {timeoutMs: EVENT_MS})
    await leader.waitFor(/tick.*1 created/, {timeoutMs: EVENT_MS})
    const standby = RunProcess.start(url, ['--interval', '500ms'])
    await standby.waitFor(/run: standby; .* holds the lease/, {timeoutMs: EVENT_MS})

    // An alter notifies both; only the leader acts on it, the standby (woken too) stays standby.
    let from = leader.lines.length
    await alterCluster(catalog.db, 'svc', {replicationFactor: 2, timing: {kind: 'default'}})
    await leader.waitFor(/tick.*1 created.*\[svc\]/, {timeoutMs: EVENT_MS, from})
    expect(standby.text()).not.toMatch(/leading|tick/)
    expect((await leases(url))[0]?.holder).toMatch(new RegExp(`:${leader.pid}:`))

    leader.kill('SIGKILL')
    await leader.exited
    from = standby.lines.length
    await standby.waitFor(/run: leading/, {timeoutMs: EVENT_MS, from})
    expect((await leases(url))[0]?.holder).toMatch(new RegExp(`:${standby.pid}:`))

    // And the new leader does the work: an alter is acted on.
    await alterCluster(catalog.db, 'svc', {replicationFactor: 3, timing: {kind: 'default'}})
    await standby.waitFor(/tick.*1 created.*\[svc\]/, {timeoutMs: EVENT_MS, from})
  })

  it('(b) SIGTERM stops the leader after the tick in flight, exit 0, lease released; a standby leads long before it could have expired', {timeout: 180_000}, async () => {
    // A lease of 1.5 × 60 s for the leader, a quick poll (every 0.5 s) for the standby.
    const leader = RunProcess.start(url, ['--interval', '60s'])
    await leader.waitFor(/run: leading/, {timeoutMs: EVENT_MS})
    await leader.waitFor(/tick.*created/, {timeoutMs: EVENT_MS})
    const standby = RunProcess.start(url, ['--interval', '1s'])
    await standby.waitFor(/run: standby/, {timeoutMs: EVENT_MS})
    expect((await leases(url)).map((l) => l.holder)).toEqual([expect.stringMatching(new RegExp(`:${leader.pid}:`))])

    const from = standby.lines.length
    leader.kill('SIGTERM')
    expect(await leader.exited).toMatchObject({code: 0, signal: null})
    expect(leader.text()).toMatch(/run: stopped$/m)
    // Released, not left to expire: by the time the leader has exited its row is gone (or the
    // standby already holds a new one), and the standby leads within a ceiling far below the
    // 90 s the old lease had left.
    expect((await leases(url)).filter((l) => l.holder.includes(`:${leader.pid}:`))).toEqual([])
    await standby.waitFor(/run: leading/, {timeoutMs: 30_000, from})
    expect((await leases(url)).map((l) => l.holder)).toEqual([expect.stringMatching(new RegExp(`:${standby.pid}:`))])

    standby.kill('SIGTERM')
    expect(await standby.exited).toMatchObject({code: 0})
    expect(await leases(url)).toEqual([])
  })

  it('(c) with a one-hour interval an alter and a signal report wake the leader; --poll-only does not listen and waits for its interval', {timeout: 180_000}, async () => {
    const run = RunProcess.start(url, ['--interval', '1h'])
    await run.waitFor(/run: leading/, {timeoutMs: EVENT_MS})
    await run.waitFor(/tick.*1 created.*\[svc\]/, {timeoutMs: EVENT_MS})
    expect((await cliSessions(url)).some((session) => /^LISTEN/.test(session.query))).toBe(true)

    // Only a notification can bring a tick within the hour: "(woken)" says that is what happened.
    let from = run.lines.length
    await alterCluster(catalog.db, 'svc', {size: '200cc', timing: {kind: 'default'}})
    await run.waitFor(/tick \(woken\): 1 created/, {timeoutMs: EVENT_MS, from})

    // The orchestrator reports the new replica ready (with pg_notify): the cut-over follows.
    from = run.lines.length
    const [target] = await sql<{id: string}>(url, `SELECT r.id FROM mzcluster.replicas r JOIN mzcluster.clusters c ON c.id = r.cluster_id WHERE c.name = 'svc' AND r.size = '200cc'`)
    await withClient(url, (client) => reportReadySql(client, target?.id as string))
    await run.waitFor(/tick \(woken\): 0 created, 1 dropped, 1 state writes/, {timeoutMs: EVENT_MS, from})
    run.kill('SIGTERM')
    await run.exited
    const listening = async () => (await cliSessions(url)).some((session) => /^LISTEN/.test(session.query))
    await waitFor(async () => !(await listening()), {what: "the stopped run's listening session to end", timeoutMs: EVENT_MS})

    // Without LISTEN: no listening session, and an alter is picked up by the next interval tick,
    // never by a woken one. (Give the poller's first tick something to do, so we know it ran.)
    await alterCluster(catalog.db, 'svc', {replicationFactor: 2, timing: {kind: 'default'}})
    const polling = RunProcess.start(url, ['--interval', '1s', '--poll-only'])
    await polling.waitFor(/run: started .*\(polling only\)/, {timeoutMs: EVENT_MS})
    await polling.waitFor(/run: leading/, {timeoutMs: EVENT_MS})
    await polling.waitFor(/tick: 1 created/, {timeoutMs: EVENT_MS})
    expect(await listening()).toBe(false)
    from = polling.lines.length
    await alterCluster(catalog.db, 'svc', {size: '400cc', timing: {kind: 'default'}})
    await polling.waitFor(/tick: 2 created.*\[svc\]/, {timeoutMs: EVENT_MS, from})
    expect(polling.lines.slice(from).filter((line) => /woken/.test(line.text))).toEqual([])
  })

  it('(d) backends terminated three times: run logs the loss with a retry, reconnects, leaks nothing, and acts on a later alter', {timeout: 180_000}, async () => {
    const run = RunProcess.start(url, ['--interval', '500ms'])
    await run.waitFor(/run: leading/, {timeoutMs: EVENT_MS})
    await run.waitFor(/tick.*1 created/, {timeoutMs: EVENT_MS})
    // The test's own library handle shares the application name: close it, use fresh ones after.
    await catalog.close()
    const database = new URL(url).pathname.slice(1)
    const listening = async () => (await cliSessions(url)).some((session) => /^LISTEN/.test(session.query))
    await waitFor(listening, {what: 'run to listen on mzcluster_catalog', timeoutMs: EVENT_MS})
    const from = run.lines.length
    let terminated = 0
    for (let round = 1; round <= 3; round++) {
      const mark = run.lines.length
      const [row] = await sql<{n: number}>(
        url,
        `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity WHERE application_name = 'mzcluster' AND datname = $1`,
        [database],
      )
      terminated += row?.n ?? 0
      // The loss is logged with a retry, then run reconnects and listens again.
      await run.waitFor(/run: .*(terminat|connection).*; retrying in \d+ms/, {timeoutMs: EVENT_MS, from: mark})
      await waitFor(listening, {what: `run to listen again after termination round ${round}`, timeoutMs: EVENT_MS})
    }
    expect(terminated).toBeGreaterThanOrEqual(3)
    expect(run.running).toBe(true)
    // Reconnected, and no connection left behind: a pool of 4 at most, one of them listening.
    const sessions = await cliSessions(url)
    expect(sessions.length).toBeGreaterThan(0)
    expect(sessions.length).toBeLessThanOrEqual(4)

    const db = await openCatalog(selectCatalog(url))
    extraDbs.push(db)
    const later = run.lines.length
    await alterCluster(db, 'svc', {replicationFactor: 2, timing: {kind: 'default'}})
    await run.waitFor(/tick.*1 created.*\[svc\]/, {timeoutMs: EVENT_MS, from: later})
    expect(run.running).toBe(true)
    process.stderr.write(`[run] lost connections: ${terminated} backends terminated in 3 rounds; log:\n${run.lines.slice(from).map((l) => `    ${l.text}`).join('\n')}\n`)
  })
})
