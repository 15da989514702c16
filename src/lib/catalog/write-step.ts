// Every catalog write of the DDL, object, size and flag commands is a WriteStep in two halves, so
// that one code path serves the real command and its --dry-run: `prepare` validates against the
// catalog and decides everything the write will do (it only reads), `apply` writes that plan with
// its audit events and the change notification. `runWrite` runs both in one transaction;
// `previewWrite` runs `prepare` alone in a READ ONLY transaction, so a dry run cannot write even by
// mistake (the database refuses), allocates no id and takes no row lock.

import type {Db, Queryable} from './db.js'

export interface PrepareOptions {
  /** Lock the rows the write will change (FOR UPDATE); false in a read-only preview. */
  readonly lock: boolean
}

export interface WriteStep<Plan, Result> {
  /** Validate (throwing the command's usage errors) and decide every row to write; reads only. */
  prepare(q: Queryable, options: PrepareOptions): Promise<Plan>
  /** Write the plan in the transaction that prepared it. */
  apply(tx: Queryable, plan: Plan): Promise<Result>
}

/** Validate and write in one transaction (retried from `prepare` on a serialization failure). */
export async function runWrite<Plan, Result>(db: Db, step: WriteStep<Plan, Result>): Promise<Result> {
  return db.transaction(async (tx) => step.apply(tx, await step.prepare(tx, {lock: true})))
}

/** Validate and plan only, in a read-only transaction: the plan a dry run describes. */
export async function previewWrite<Plan>(db: Db, step: WriteStep<Plan, unknown>): Promise<Plan> {
  return db.transaction(async (tx) => {
    await tx.query('SET TRANSACTION READ ONLY')
    return step.prepare(tx, {lock: false})
  })
}
