// The warm catalog process of an embedded catalog, through subprocesses as users meet it: commands
// reuse one warm process; each fault leaves the catalog usable and consistent — a command killed
// inside a transaction, the warm process killed under a command, a stale socket and lock, several
// first commands racing to start it, a full disk; commands wait for one another (--lock-timeout),
// and the opt-out starts nothing.

import type {ChildProcessWithoutNullStreams} from 'node:child_process'
import {execFileSync, spawn} from 'node:child_process'
import {cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'
import {selectCatalog} from '../../src/lib/catalog/location.js'
import {initCatalog, openCatalog} from '../../src/lib/catalog/open.js'
import {json, runCli} from '../support/cli.js'
// @ts-expect-error plain JavaScript without declarations
import {populateSteady} from '../../bench/lib/catalogs.js'

const HOLD = join(import.meta.dirname, '..', 'support', 'hold-catalog.mjs')
/** Commands as users run them: the warm process allowed (the suite turns it off elsewhere). */
const WARM = {MZCLUSTER_NO_DAEMON: undefined, MZCLUSTER_DAEMON_IDLE_TIMEOUT: '2m'}
const COLD = {MZCLUSTER_NO_DAEMON: '1'}
const SLOW = 240_000

/** Pids of warm catalog processes serving `dir` (read from /proc). */
function daemonPids(dir: string): number[] {
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')
      if (argv.some((arg) => arg.endsWith('daemon-main.js')) && argv.includes(dir)) pids.push(Number(entry))
    } catch {
      // gone meanwhile
    }
  }
  return pids
}

/**
 * Whether `pid` is a live process. An exited process its parent has not reaped yet is not: a warm
 * process started by a command run inside the test process is this process's child until reaped.
 */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  try {
    // /proc/PID/stat: "pid (comm) state ..."; comm may hold spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z'
  } catch {
    return false
  }
}

async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 120_000): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const value = await probe()
    if (value) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** A client holding the catalog (test/support/hold-catalog.mjs), driven line by line. */
class Holder {
  readonly child: ChildProcessWithoutNullStreams
  private lines: string[] = []
  private waiters: (() => void)[] = []
  stderr = ''

  constructor(dir: string, env: Record<string, string | undefined>, lockTimeoutMs = 60_000) {
    const merged: Record<string, string | undefined> = {...process.env, ...env}
    for (const key of Object.keys(merged)) if (merged[key] === undefined) delete merged[key]
    this.child = spawn(process.execPath, [HOLD, dir, String(lockTimeoutMs)], {env: merged as NodeJS.ProcessEnv})
    let buffer = ''
    this.child.stdout.on('data', (chunk: Buffer) => {
      buffer += chunk.toString()
      let newline
      while ((newline = buffer.indexOf('\n')) >= 0) {
        this.lines.push(buffer.slice(0, newline))
        buffer = buffer.slice(newline + 1)
        for (const wake of this.waiters.splice(0)) wake()
      }
    })
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString()))
  }

  /** The next line starting with `prefix` (earlier lines are kept for `seen`). */
  async line(prefix: string): Promise<string> {
    return until(`a line "${prefix}…" from the holder (stderr: ${this.stderr})`, async () => {
      const found = this.lines.find((line) => line.startsWith(prefix))
      if (found) {
        this.lines.splice(this.lines.indexOf(found), 1)
        return found
      }
      if (this.child.exitCode !== null) throw new Error(`holder exited ${this.child.exitCode}: ${this.stderr}`)
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve)
        setTimeout(resolve, 50) // a fallback poll: a new line wakes the waiter at once
      })
      return undefined
    })
  }

  async send(command: string, reply = 'ok'): Promise<string> {
    this.child.stdin.write(`${command}\n`)
    return this.line(reply)
  }

  async exit(): Promise<void> {
    if (this.child.exitCode !== null) return
    this.child.stdin.end('exit\n')
    await until('the holder to exit', () => this.child.exitCode !== null)
  }
}

describe.skipIf(process.platform !== 'linux')('warm catalog process', () => {
  let root: string
  let template: string
  const catalogs: string[] = []
  const holders: Holder[] = []
  /** A client holding `dir` through the warm process, once it has the catalog open. */
  const openHolder = async (dir: string): Promise<Holder> => {
    const holder = new Holder(dir, WARM)
    holders.push(holder)
    await holder.line('open')
    return holder
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'mzcluster-daemon-'))
    template = join(root, 'template')
    const {db} = await initCatalog(selectCatalog(template, {}))
    await db.close()
  }, SLOW)

  afterEach(async () => {
    for (const holder of holders.splice(0)) holder.child.kill('SIGKILL')
    for (const dir of catalogs.splice(0)) {
      await runCli(['catalog', 'stop', '--catalog', dir], {env: WARM})
      for (const pid of daemonPids(dir)) process.kill(pid, 'SIGKILL')
    }
  })

  afterAll(() => {
    if (root) rmSync(root, {recursive: true, force: true})
  })

  /** A new catalog directory (a copy of the template catalog). */
  function catalog(parent = root): string {
    const dir = join(mkdtempSync(join(parent, 'c-')), 'catalog')
    cpSync(template, dir, {recursive: true})
    catalogs.push(dir)
    return dir
  }

  const cli = (dir: string, args: string[], env: Record<string, string | undefined> = WARM) =>
    runCli([...args, '--catalog', dir], {env, timeoutMs: SLOW})

  async function status(dir: string): Promise<{warm: boolean; warm_pid: number | null; user_clusters: number; warm_process: string}> {
    const result = await cli(dir, ['catalog', 'status', '--json'])
    expect(result.code, result.stderr).toBe(0)
    return json(result)
  }

  it(
    'the first command starts one warm process; later commands reuse it over a 0600 socket in the 0700 directory',
    async () => {
      const dir = catalog()
      const first = await cli(dir, ['cluster', 'create', 'a', '--size', '25cc'])
      expect(first.code, first.stderr).toBe(0)
      const pids = daemonPids(dir)
      expect(pids).toHaveLength(1)
      const list = await cli(dir, ['cluster', 'list', '--json', '--no-builtin'])
      expect(list.code, list.stderr).toBe(0)
      expect(json<{name: string}[]>(list).map((c) => c.name)).toEqual(['a'])
      const after = await status(dir)
      expect(after).toMatchObject({warm: true, warm_pid: pids[0], warm_process: 'running', user_clusters: 1})
      expect(daemonPids(dir)).toEqual(pids)
      expect(statSync(join(dir, 'mzcluster.sock')).mode & 0o777).toBe(0o600)
      expect(statSync(dir).mode & 0o777).toBe(0o700)
      expect(readFileSync(`${dir}.lock`, 'utf8').split('\n').slice(0, 2)).toEqual([String(pids[0]), 'daemon'])
      // catalog stop ends it; the socket and the lock go with it.
      const stop = await cli(dir, ['catalog', 'stop', '--json'])
      expect(stop.code, stop.stderr).toBe(0)
      expect(json(stop)).toEqual({stopped: true, pid: pids[0]})
      expect(alive(pids[0] as number)).toBe(false)
      expect(existsSync(join(dir, 'mzcluster.sock'))).toBe(false)
      expect(existsSync(`${dir}.lock`)).toBe(false)
    },
    SLOW,
  )

  it(
    'large results come through the warm process byte for byte as from a directly opened catalog',
    async () => {
      const dir = catalog()
      const db = await openCatalog(selectCatalog(dir, {}), {daemon: false})
      try {
        // The bench's 1,000-cluster catalog (3,000 replicas): a result of many socket writes.
        await populateSteady(db, 1000)
        await db.exec(`INSERT INTO mzcluster.meta (key, value) SELECT 'filler_' || g, 'x' FROM generate_series(1, 3000) g`)
      } finally {
        await db.close()
      }
      const cold = await cli(dir, ['cluster', 'list', '--json'], COLD)
      expect(cold.code, cold.stderr).toBe(0)
      const warm = await cli(dir, ['cluster', 'list', '--json'])
      expect(warm.code, warm.stderr).toBe(0)
      expect(warm.stdout.length).toBeGreaterThan(1_000_000)
      expect(warm.stdout).toBe(cold.stdout)
      const holder = await openHolder(dir)
      expect(await holder.send('get filler_2999')).toBe('ok get filler_2999 present')
      await holder.exit()
    },
    SLOW,
  )

  it(
    'a command killed inside a transaction: its writes are rolled back and the next command proceeds at once',
    async () => {
      const dir = catalog()
      const holder = await openHolder(dir)
      const [daemon] = daemonPids(dir)
      await holder.send('put committed')
      await holder.send('begin')
      await holder.send('put uncommitted')
      holder.child.kill('SIGKILL')
      const next = await openHolder(dir)
      expect(await next.send('get committed')).toBe('ok get committed present')
      expect(await next.send('get uncommitted')).toBe('ok get uncommitted absent')
      expect(daemonPids(dir)).toEqual([daemon])
      await next.exit()
    },
    SLOW,
  )

  it(
    'the warm process killed under a command: the command fails clearly, the next starts a new process, nothing half-written',
    async () => {
      const dir = catalog()
      const holder = await openHolder(dir)
      const [daemon] = daemonPids(dir)
      await holder.send('put before')
      await holder.send('begin')
      await holder.send('put torn')
      process.kill(daemon as number, 'SIGKILL')
      await until('the warm process to die', () => !alive(daemon as number))
      const failed = await holder.send('put after', 'error')
      expect(failed).toMatch(/lost the connection to the warm catalog process/)
      const list = await cli(dir, ['cluster', 'list', '--json'])
      expect(list.code, list.stderr).toBe(0)
      const [replacement] = daemonPids(dir)
      expect(replacement).toBeDefined()
      expect(replacement).not.toBe(daemon)
      const check = await openHolder(dir)
      expect(await check.send('get before')).toBe('ok get before present')
      expect(await check.send('get torn')).toBe('ok get torn absent')
      await check.exit()
    },
    SLOW,
  )

  it(
    'a stale socket and lock (the process killed while idle, or a bare socket file) do not stop the next command',
    async () => {
      const dir = catalog()
      expect((await cli(dir, ['cluster', 'list'])).code).toBe(0)
      const [daemon] = daemonPids(dir)
      process.kill(daemon as number, 'SIGKILL')
      await until('the warm process to die', () => !alive(daemon as number))
      expect(existsSync(join(dir, 'mzcluster.sock'))).toBe(true)
      expect(existsSync(`${dir}.lock`)).toBe(true)
      const list = await cli(dir, ['cluster', 'list', '--lock-timeout', '0s'])
      expect(list.code, list.stderr).toBe(0)
      const [second] = daemonPids(dir)
      expect(second).not.toBe(daemon)
      // A socket file nobody listens on and no lock at all.
      await cli(dir, ['catalog', 'stop'])
      await until('the second process to stop', () => !alive(second as number))
      writeFileSync(join(dir, 'mzcluster.sock'), '')
      const again = await cli(dir, ['cluster', 'list'])
      expect(again.code, again.stderr).toBe(0)
    },
    SLOW,
  )

  it(
    'several first commands racing on a cold catalog: all succeed, one warm process serves them',
    async () => {
      const dir = catalog()
      const results = await Promise.all(['r1', 'r2', 'r3', 'r4'].map((name) => cli(dir, ['cluster', 'create', name, '--size', '25cc', '--lock-timeout', '3m'])))
      for (const result of results) expect(result.code, result.stderr).toBe(0)
      const pids = daemonPids(dir)
      expect(pids).toHaveLength(1)
      const list = await cli(dir, ['cluster', 'list', '--json', '--no-builtin'])
      expect(json<{name: string}[]>(list).map((c) => c.name).sort()).toEqual(['r1', 'r2', 'r3', 'r4'])
      expect(readFileSync(`${dir}.lock`, 'utf8').split('\n')[0]).toBe(String(pids[0]))
    },
    SLOW,
  )

  it(
    'commands take turns: one waits for a busy catalog saying so once, --lock-timeout 0s fails at once (warm and opted out)',
    async () => {
      for (const env of [WARM, COLD]) {
        const dir = catalog()
        const holder = new Holder(dir, env)
        holders.push(holder)
        const holderPid = Number((await holder.line('open')).split(' ')[1])
        await holder.send('begin')
        await holder.send('put held')
        const busy = await cli(dir, ['cluster', 'list', '--lock-timeout', '0s'], env)
        expect(busy.code).toBe(1)
        expect(busy.stderr).toContain(`catalog is in use by process ${holderPid}`)
        // A waiting command: it says so once, then runs when the holder commits and leaves.
        const waiting = runCli(['cluster', 'create', 'w', '--size', '25cc', '--catalog', dir, '--lock-timeout', '3m'], {env, timeoutMs: SLOW})
        const second = new Holder(dir, env)
        holders.push(second)
        expect(await second.line('waiting')).toBe(`waiting ${holderPid}`)
        await holder.send('commit')
        await holder.exit()
        await second.line('open')
        expect(await second.send('get held')).toBe('ok get held present')
        await second.exit()
        const created = await waiting
        expect(created.code, created.stderr).toBe(0)
        expect(created.stderr.match(/waiting for the catalog \(in use by process \d+\)…/g)?.length ?? 0).toBeLessThanOrEqual(1)
      }
    },
    SLOW * 2,
  )

  it(
    'xargs -P 4 style parallel alters on the embedded catalog all succeed',
    async () => {
      const dir = catalog()
      for (const name of ['p1', 'p2', 'p3', 'p4']) expect((await cli(dir, ['cluster', 'create', name, '--size', '25cc'], COLD)).code).toBe(0)
      for (const env of [COLD, WARM]) {
        const size = env === COLD ? '50cc' : '100cc'
        const results = await Promise.all(
          ['p1', 'p2', 'p3', 'p4'].map((name) => cli(dir, ['cluster', 'alter', name, '--size', size, '--background', '--lock-timeout', '3m'], env)),
        )
        for (const result of results) expect(result.code, result.stderr).toBe(0)
      }
    },
    SLOW * 2,
  )

  it(
    'MZCLUSTER_NO_DAEMON=1 starts nothing; a direct command asks an idle warm process to give the directory up',
    async () => {
      const dir = catalog()
      const cold = await cli(dir, ['catalog', 'status', '--json'], COLD)
      expect(cold.code, cold.stderr).toBe(0)
      expect(json(cold)).toMatchObject({warm: false, warm_process: 'disabled'})
      expect(daemonPids(dir)).toEqual([])
      expect(existsSync(join(dir, 'mzcluster.sock'))).toBe(false)
      expect((await cli(dir, ['cluster', 'list'])).code).toBe(0)
      const [daemon] = daemonPids(dir)
      const direct = await cli(dir, ['cluster', 'list', '--lock-timeout', '1m'], COLD)
      expect(direct.code, direct.stderr).toBe(0)
      expect(alive(daemon as number)).toBe(false)
    },
    SLOW,
  )

  it(
    'while catalog serve holds the catalog, the busy message gives its URL',
    async () => {
      const dir = catalog()
      const port = 20_000 + Math.floor(Math.random() * 20_000)
      const serve = spawn(process.execPath, [join(import.meta.dirname, '..', '..', 'bin', 'run.js'), 'catalog', 'serve', '--port', String(port), '--catalog', dir], {
        env: {...process.env, MZCLUSTER_NO_DAEMON: '1'},
      })
      let out = ''
      serve.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
      try {
        await until('catalog serve to print its URL', () => out.includes('postgres://'))
        const busy = await cli(dir, ['cluster', 'list', '--lock-timeout', '0s'])
        expect(busy.code).toBe(1)
        expect(busy.stderr).toContain(`postgres://postgres@127.0.0.1:${port}/postgres`)
      } finally {
        serve.kill('SIGTERM')
        await until('catalog serve to stop', () => serve.exitCode !== null || serve.signalCode !== null)
      }
    },
    SLOW,
  )

  describe.skipIf(typeof process.getuid !== 'function' || process.getuid() !== 0)('on a full disk', () => {
    let mount: string | null = null
    afterEach(() => {
      if (mount) {
        try {
          execFileSync('umount', ['-l', mount])
        } catch {
          // not mounted
        }
        mount = null
      }
    })

    it(
      'a write says the disk is full (exit 1); after space is freed the catalog works and holds no torn write',
      async () => {
        const parent = join(root, 'small')
        mkdirSync(parent)
        try {
          execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=96m', 'tmpfs', parent])
        } catch {
          return // no way to make a small file system here
        }
        mount = parent
        const dir = catalog(parent)
        expect((await cli(dir, ['cluster', 'list'])).code).toBe(0)
        const filler = join(parent, 'filler')
        try {
          execFileSync('dd', ['if=/dev/zero', `of=${filler}`, 'bs=1M', 'count=200'], {stdio: 'ignore'})
        } catch {
          // dd stops at the full disk: that is the point
        }
        let failed = null
        for (let i = 0; i < 40 && failed === null; i++) {
          const result = await cli(dir, ['cluster', 'create', `full${i}`, '--size', '25cc', '--lock-timeout', '1m'])
          if (result.code !== 0) failed = result
        }
        expect(failed, 'no write failed on a full disk').not.toBeNull()
        expect(failed?.code).toBe(1)
        expect(failed?.stderr).toMatch(/disk .*is full|no space left/i)
        rmSync(filler)
        const list = await cli(dir, ['cluster', 'list', '--json', '--no-builtin', '--lock-timeout', '1m'])
        expect(list.code, list.stderr).toBe(0)
        const after = await cli(dir, ['cluster', 'create', 'after', '--size', '25cc', '--lock-timeout', '1m'])
        expect(after.code, after.stderr).toBe(0)
        await cli(dir, ['catalog', 'stop'])
      },
      SLOW * 2,
    )
  })
})
