// Synthetic catalogs for the benchmarks: a throw-away PostgreSQL database or a temporary embedded
// (PGlite) directory, populated with bulk INSERT … SELECT generate_series statements — one per
// table, never one per cluster.

import {randomBytes} from 'node:crypto'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import pg from 'pg'
import {initCatalog} from '../../dist/lib/catalog/open.js'
import {selectCatalog} from '../../dist/lib/catalog/location.js'

export const DEFAULT_POSTGRES_URL = 'postgres://postgres@127.0.0.1:5432/postgres'

/** Replicas per cluster, the steady size and the reconfiguration target. */
export const REPLICAS_PER_CLUSTER = 3
export const STEADY_SIZE = '100cc'
export const TARGET_SIZE = '200cc'
/** Every RECONFIGURING_EVERY-th cluster is mid-reconfiguration in the reconfiguring variant (10%). */
export const RECONFIGURING_EVERY = 10

const quoteIdent = (name) => `"${name.replace(/"/g, '""')}"`

/** The URL of `database` on the server `url` points at. */
function withDatabase(url, database) {
  const parsed = new URL(url)
  parsed.pathname = `/${encodeURIComponent(database)}`
  return parsed.toString()
}

async function adminQuery(url, sql) {
  const client = new pg.Client({connectionString: url, application_name: 'mzcluster-bench'})
  await client.connect()
  try {
    await client.query(sql)
  } finally {
    await client.end().catch(() => {})
  }
}

/**
 * Opens a fresh catalog for one backend. Returns {backend, db, location, dispose}; dispose closes
 * the catalog and removes what was created (database or directory), and is safe to call twice.
 */
export async function openBenchCatalog(backend, {postgresUrl = DEFAULT_POSTGRES_URL, log = () => {}} = {}) {
  if (backend === 'postgres') {
    const database = `mzcluster_bench_${randomBytes(6).toString('hex')}`
    log(`creating database ${database}`)
    await adminQuery(postgresUrl, `CREATE DATABASE ${quoteIdent(database)}`)
    let db = null
    let disposed = false
    const dispose = async () => {
      if (disposed) return
      disposed = true
      if (db) await db.close().catch(() => {})
      log(`dropping database ${database}`)
      await adminQuery(postgresUrl, `DROP DATABASE IF EXISTS ${quoteIdent(database)} WITH (FORCE)`)
    }
    try {
      const location = selectCatalog(withDatabase(postgresUrl, database), {})
      db = (await initCatalog(location)).db
      return {backend, db, location: database, url: withDatabase(postgresUrl, database), catalogArg: location.url, dispose}
    } catch (error) {
      await dispose().catch(() => {})
      throw error
    }
  }
  if (backend === 'embedded') {
    const root = mkdtempSync(join(tmpdir(), 'mzcluster-bench-'))
    let db = null
    let disposed = false
    const dispose = async () => {
      if (disposed) return
      disposed = true
      if (db) await db.close().catch(() => {})
      rmSync(root, {recursive: true, force: true})
    }
    try {
      const location = selectCatalog(join(root, 'catalog'), {})
      db = (await initCatalog(location)).db
      return {backend, db, location: location.dir, catalogArg: location.dir, dispose}
    } catch (error) {
      await dispose().catch(() => {})
      throw error
    }
  }
  throw new Error(`unknown backend ${JSON.stringify(backend)} (expected postgres or embedded)`)
}

/** Limits high enough that the reconfiguring variant (6 replicas on 10% of clusters) is not resource-exhausted. */
export async function setBenchParameters(db) {
  const now = Date.now()
  await db.exec(
    `INSERT INTO mzcluster.system_parameters (name, value, updated_at) VALUES
       ('max_replicas_per_cluster', '100', ${now}),
       ('max_credit_consumption_rate', '100000000', ${now})
     ON CONFLICT (name) DO UPDATE SET value = EXCLUDED.value, updated_at = EXCLUDED.updated_at`,
  )
}

/**
 * Replaces every user cluster with `count` steady managed clusters (size 100cc, rf 3, 3 matching
 * replicas each): one INSERT … SELECT per table, then the id sequences are advanced past the ids
 * used and the tables are vacuumed and analyzed (as autovacuum would do on a live catalog).
 */
export async function populateSteady(db, count) {
  const n = Math.trunc(count)
  if (!(n > 0)) throw new Error(`bad cluster count ${count}`)
  const replicas = n * REPLICAS_PER_CLUSTER
  const now = Date.now()
  await db.exec('DELETE FROM mzcluster.clusters WHERE NOT builtin; DELETE FROM mzcluster.audit_events')
  await db.exec(
    `INSERT INTO mzcluster.clusters (id, ord, name, managed, size, replication_factor, created_at)
     SELECT 'u' || g, g, 'bench_' || lpad(g::text, 6, '0'), true, '${STEADY_SIZE}', ${REPLICAS_PER_CLUSTER}, ${now}
     FROM generate_series(1, ${n}) AS g`,
  )
  await db.exec(
    `INSERT INTO mzcluster.replicas (id, ord, cluster_id, name, size, created_at)
     SELECT 'u' || ((g - 1) * ${REPLICAS_PER_CLUSTER} + k), (g - 1) * ${REPLICAS_PER_CLUSTER} + k, 'u' || g, 'r' || k,
            '${STEADY_SIZE}', ${now}
     FROM generate_series(1, ${n}) AS g, generate_series(1, ${REPLICAS_PER_CLUSTER}) AS k`,
  )
  await db.query(
    "SELECT setval('mzcluster.user_cluster_ids', $1::bigint), setval('mzcluster.user_replica_ids', $2::bigint)",
    [n, replicas],
  )
  await vacuum(db)
  const [row] = await db.query(
    `SELECT (SELECT count(*) FROM mzcluster.clusters WHERE managed AND NOT builtin)::int AS clusters,
            (SELECT count(*) FROM mzcluster.replicas WHERE id LIKE 'u%')::int AS replicas`,
  )
  if (row.clusters !== n || row.replicas !== replicas) {
    throw new Error(
      `population mismatch: ${row.clusters} clusters / ${row.replicas} replicas, expected ${n} / ${replicas}`,
    )
  }
  return {clusters: n, replicas, maxReplicaOrd: replicas}
}

/** Marks every 10th user cluster mid-reconfiguration to 200cc (far deadline, no target replicas yet). */
export async function markReconfiguring(db, deadlineMs = Date.now() + 30 * 24 * 3600 * 1000) {
  const record = {
    target: {
      size: TARGET_SIZE,
      replication_factor: REPLICAS_PER_CLUSTER,
      availability_zones: [],
      logging: {log_logging: false, interval_ms: 1000},
    },
    deadline: deadlineMs,
    on_timeout: 'rollback',
    status: 'in-progress',
  }
  const rows = await db.query(
    `WITH marked AS (
       UPDATE mzcluster.clusters SET reconfiguration = $1::jsonb
       WHERE managed AND NOT builtin AND ord % ${RECONFIGURING_EVERY} = 0 RETURNING 1)
     SELECT count(*)::int AS n FROM marked`,
    [JSON.stringify(record)],
  )
  await vacuum(db)
  return rows[0].n
}

/**
 * Undoes a tick over the reconfiguring variant in ONE statement: deletes the replicas it created
 * (ids past the populated ones) and the audit events it appended. Returns what was deleted.
 */
export async function restoreReconfiguring(db, {maxReplicaOrd, maxAuditId}) {
  const [row] = await db.query(
    `WITH replicas AS (DELETE FROM mzcluster.replicas WHERE id LIKE 'u%' AND ord > $1 RETURNING 1),
          events AS (DELETE FROM mzcluster.audit_events WHERE id > $2 RETURNING 1)
     SELECT (SELECT count(*) FROM replicas)::int AS replicas, (SELECT count(*) FROM events)::int AS events`,
    [maxReplicaOrd, maxAuditId],
  )
  return row
}

export async function maxAuditId(db) {
  const [row] = await db.query('SELECT COALESCE(max(id), 0)::bigint AS id FROM mzcluster.audit_events')
  return Number(row.id)
}

export async function userReplicaCount(db) {
  const [row] = await db.query("SELECT count(*)::int AS n FROM mzcluster.replicas WHERE id LIKE 'u%'")
  return row.n
}

/** Reclaims dead tuples and refreshes planner statistics (not timed). */
export async function vacuum(db) {
  await db.exec('VACUUM (ANALYZE) mzcluster.clusters, mzcluster.replicas, mzcluster.audit_events')
}
