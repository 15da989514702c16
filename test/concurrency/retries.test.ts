// Serialization failures (40001) and deadlocks (40P01) provoked on purpose through the Db layer, on
// separate pooled connections of one PostgreSQL catalog:
//   - write skew under SERIALIZABLE: two transactions each read both rows, then (after a barrier,
//     so both have read) each updates a different one; SSI must abort one of them;
//   - a deadlock: two transactions lock two rows in opposite order, with a barrier after the
//     first lock; the server's deadlock detector aborts one of them.
// With the default attempts both callers succeed, the retry visibly happened (a callback ran more
// than once), and the end state is what two serial transactions produce. With {attempts: 1} the
// very same scenario fails with the SQLSTATE — so removing the retries makes this suite fail.
// Finally, a connection lost in the middle of a transaction (its backend terminated while the
// transaction is idle between statements) is an error for that caller, not a crash of the process.

import {afterAll, beforeAll, beforeEach, describe, expect, it} from 'vitest'
import type {Db, Queryable} from '../../src/lib/catalog/db.js'
import type {TestCatalog} from '../support/catalogs.js'
import {freshCatalog} from '../support/catalogs.js'
import {waitFor} from '../support/wait.js'
import {serverUrl, sql} from './support.js'

/** A promise two parties meet at: each `arrive()` resolves once both have arrived. */
function barrier(parties = 2): {arrive: () => Promise<void>} {
  let arrived = 0
  let release!: () => void
  const all = new Promise<void>((resolve) => (release = resolve))
  return {
    arrive: () => {
      arrived++
      if (arrived >= parties) release()
      return all
    },
  }
}

interface Outcome {
  readonly attempts: number
  readonly error: {code?: string; message: string} | null
}

async function settle(run: () => Promise<unknown>, attempts: {n: number}): Promise<Outcome> {
  try {
    await run()
    return {attempts: attempts.n, error: null}
  } catch (error) {
    return {attempts: attempts.n, error: {code: (error as {code?: string}).code, message: (error as Error).message}}
  }
}

/**
 * Write skew: the two transactions read the sum of both rows and then each moves 10 out of its own
 * row if the sum allows — a serial order could never take more than the sum allows twice.
 */
async function writeSkew(db: Db, options: {attempts?: number}): Promise<[Outcome, Outcome]> {
  const meet = barrier()
  const attempt = async (tx: Queryable, row: number, counter: {n: number}) => {
    counter.n++
    await tx.query('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE')
    const [{total}] = (await tx.query<{total: number}>('SELECT sum(balance)::int AS total FROM retry_test.accounts')) as [{total: number}]
    // Only the first attempt waits for the other: both must have read before either writes.
    if (counter.n === 1) await meet.arrive()
    if (total >= 20) await tx.query('UPDATE retry_test.accounts SET balance = balance - 20 WHERE id = $1', [row])
  }
  const a = {n: 0}
  const b = {n: 0}
  return Promise.all([
    settle(() => db.transaction((tx) => attempt(tx, 1, a), options), a),
    settle(() => db.transaction((tx) => attempt(tx, 2, b), options), b),
  ])
}

/** Deadlock: A locks row 1 then row 2, B locks row 2 then row 1, each after the other's first lock. */
async function deadlock(db: Db, options: {attempts?: number}): Promise<[Outcome, Outcome]> {
  const meet = barrier()
  const attempt = async (tx: Queryable, first: number, second: number, counter: {n: number}) => {
    counter.n++
    await tx.query('UPDATE retry_test.accounts SET balance = balance + 1 WHERE id = $1', [first])
    if (counter.n === 1) await meet.arrive()
    await tx.query('UPDATE retry_test.accounts SET balance = balance + 1 WHERE id = $1', [second])
  }
  const a = {n: 0}
  const b = {n: 0}
  return Promise.all([
    settle(() => db.transaction((tx) => attempt(tx, 1, 2, a), options), a),
    settle(() => db.transaction((tx) => attempt(tx, 2, 1, b), options), b),
  ])
}

describe.skipIf(!serverUrl())('serialization failures and deadlocks through the Db layer', () => {
  let catalog: TestCatalog
  let url: string
  beforeAll(async () => {
    catalog = await freshCatalog('server')
    url = catalog.location
    await sql(url, 'CREATE SCHEMA retry_test; CREATE TABLE retry_test.accounts (id int PRIMARY KEY, balance int NOT NULL)')
  })
  beforeEach(async () => {
    await sql(url, 'DELETE FROM retry_test.accounts; INSERT INTO retry_test.accounts VALUES (1, 10), (2, 10)')
  })
  afterAll(async () => catalog?.destroy())

  const balances = async () => (await sql<{id: number; balance: number}>(url, 'SELECT id, balance FROM retry_test.accounts ORDER BY id')).map((row) => row.balance)

  it('a serialization failure (write skew under SERIALIZABLE) is retried transparently', async () => {
    const [a, b] = await writeSkew(catalog.db, {})
    expect(a.error).toBeNull()
    expect(b.error).toBeNull()
    // One of them ran again after 40001, saw the other's write, and (serially) took nothing.
    expect(a.attempts + b.attempts).toBeGreaterThanOrEqual(3)
    expect((await balances()).reduce((x, y) => x + y)).toBe(0)
    expect((await balances()).filter((balance) => balance === -10)).toHaveLength(1)
  })

  it('without retries the same write skew fails with SQLSTATE 40001', async () => {
    const outcomes = await writeSkew(catalog.db, {attempts: 1})
    expect(outcomes.map((o) => o.attempts)).toEqual([1, 1])
    expect(outcomes.filter((o) => o.error === null)).toHaveLength(1)
    expect(outcomes.find((o) => o.error !== null)?.error?.code).toBe('40001')
  })

  it('a deadlock is retried transparently', async () => {
    const [a, b] = await deadlock(catalog.db, {})
    expect(a.error).toBeNull()
    expect(b.error).toBeNull()
    expect(a.attempts + b.attempts).toBe(3)
    // Both transactions committed in full: each row got +1 twice.
    expect(await balances()).toEqual([12, 12])
  })

  it('without retries the same deadlock fails with SQLSTATE 40P01', async () => {
    const outcomes = await deadlock(catalog.db, {attempts: 1})
    expect(outcomes.filter((o) => o.error === null)).toHaveLength(1)
    expect(outcomes.find((o) => o.error !== null)?.error?.code).toBe('40P01')
    expect(await balances()).toEqual([11, 11])
  })

  it('a connection lost in the middle of a transaction fails that transaction, not the process', async () => {
    const db = catalog.db
    const crashed: unknown[] = []
    const onUncaught = (error: unknown) => crashed.push(error)
    process.on('uncaughtException', onUncaught)
    try {
      const failure = await db
        .transaction(async (tx) => {
          const [{pid}] = (await tx.query<{pid: number}>('SELECT pg_backend_pid() AS pid')) as [{pid: number}]
          await sql(url, 'SELECT pg_terminate_backend($1)', [pid])
          // Idle in the transaction until the server has ended the connection: the client errors with
          // no query active.
          await waitFor(async () => (await sql(url, 'SELECT 1 FROM pg_stat_activity WHERE pid = $1', [pid])).length === 0, {
            what: `backend ${pid} to end`,
          })
          await tx.query('UPDATE retry_test.accounts SET balance = 0 WHERE id = 1')
        })
        .then(
          () => null,
          (error: Error) => error,
        )
      expect(failure).toBeInstanceOf(Error)
      expect(crashed).toEqual([])
      // The pool carries on with a fresh connection, and the update never happened.
      expect(await db.query('SELECT 1 AS one')).toEqual([{one: 1}])
      expect(await balances()).toEqual([10, 10])
    } finally {
      process.removeListener('uncaughtException', onUncaught)
    }
  })
})
