// Timing helpers: medians, and an optional SQL-time probe that splits a call's wall time into time
// spent waiting on the catalog (any statement in flight) and time spent in JavaScript (the kernel,
// row mapping, report building).

import {performance} from 'node:perf_hooks'

export function median(values) {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

export const round1 = (value) => Math.round(value * 10) / 10

/** Times one async call: {ms, statements, result}. */
export async function timed(db, fn) {
  const before = db.statementCount
  const start = performance.now()
  const result = await fn()
  const ms = performance.now() - start
  return {ms, statements: db.statementCount - before, result}
}

/**
 * Instruments `db` (own-property overrides of query/exec/transaction) so that the wall time during
 * which at least one statement is in flight is accumulated; a transaction body's JavaScript between
 * its statements is not counted as SQL. `uninstall()` restores the driver's methods.
 */
export function installSqlProbe(db) {
  let inFlight = 0
  let since = 0
  let sqlMs = 0
  /** Per statement text (whitespace-collapsed, truncated): calls and summed wall time. */
  const byStatement = new Map()
  const enter = () => {
    if (inFlight++ === 0) since = performance.now()
  }
  const leave = () => {
    if (--inFlight === 0) sqlMs += performance.now() - since
  }
  const around = async (call, sql) => {
    enter()
    const start = performance.now()
    try {
      return await call()
    } finally {
      leave()
      if (sql !== undefined) {
        const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90)
        const entry = byStatement.get(key) ?? {statement: key, calls: 0, ms: 0}
        entry.calls += 1
        entry.ms += performance.now() - start
        byStatement.set(key, entry)
      }
    }
  }
  const {query, exec, transaction} = db
  db.query = (sql, params) => around(() => query.call(db, sql, params), sql)
  db.exec = (sql) => around(() => exec.call(db, sql), sql)
  db.transaction = (fn, options) =>
    around(() =>
      transaction.call(
        db,
        async (tx) => {
          // BEGIN has been sent: the body's own JavaScript is not SQL time, its statements are.
          leave()
          try {
            return await fn({query: (sql, params) => around(() => tx.query(sql, params), sql)})
          } finally {
            enter()
          }
        },
        options,
      ),
    )
  return {
    get sqlMs() {
      return sqlMs
    },
    /** The statements that took longest in total, slowest first. */
    topStatements(limit = 5) {
      return [...byStatement.values()].sort((a, b) => b.ms - a.ms).slice(0, limit)
    },
    uninstall() {
      delete db.query
      delete db.exec
      delete db.transaction
    },
  }
}
