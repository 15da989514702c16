// SQL text lives only in src/lib/catalog/ (product.md §2, the house rules): every other file calls
// the catalog's typed query functions. The check reads every string and template literal under src/
// with the TypeScript scanner and flags SQL-shaped ones (statements, parameterised fragments,
// reads and writes of mzcluster.* tables); comments and help texts that name a table do not count.
// PENDING lists the files whose statements are still to be moved: it may only shrink — a file
// listed there that no longer holds SQL fails the check until it is removed from the list.

import {describe, expect, it} from 'vitest'
import {isSql, read, sourceFiles, sqlLiterals} from './source.js'

const CATALOG = 'src/lib/catalog/'

/** Files outside the catalog that still hold SQL, each to be emptied into catalog query modules. */
const PENDING: readonly string[] = [
]

/** Per file outside the catalog, its SQL literals as `line: text`. */
function sqlOutsideCatalog(): Map<string, string[]> {
  const found = new Map<string, string[]>()
  for (const file of sourceFiles()) {
    if (file.startsWith(CATALOG)) continue
    const literals = sqlLiterals(read(file), file)
    if (literals.length > 0) found.set(file, literals.map((literal) => `${literal.line}: ${literal.text.trim().split('\n')[0]?.slice(0, 100)}`))
  }
  return found
}

describe('SQL lives in src/lib/catalog/ only', () => {
  const found = sqlOutsideCatalog()

  it('no file outside src/lib/catalog/ holds SQL (except the files still pending)', () => {
    const offenders = [...found].filter(([file]) => !PENDING.includes(file)).map(([file, lines]) => `${file}\n    ${lines.join('\n    ')}`)
    expect(offenders, 'move these statements into a query module under src/lib/catalog/').toEqual([])
  })

  it('every pending file still holds SQL (remove the ones that are done from PENDING)', () => {
    expect(PENDING.filter((file) => !found.has(file))).toEqual([])
  })

  it('the catalog itself is where the SQL is (the check reads the right files)', () => {
    const inCatalog = sourceFiles(CATALOG).filter((file) => sqlLiterals(read(file), file).length > 0)
    expect(inCatalog.length).toBeGreaterThan(5)
  })
})

describe('the SQL detector', () => {
  it('finds statements, fragments and table reads in literals of every kind', () => {
    const planted = [
      "await db.query('SELECT 1')",
      'await tx.query(`INSERT INTO mzcluster.clusters (id) VALUES ($1)`, [id])',
      'const q = "UPDATE mzcluster.replicas SET size = $2 WHERE id = $1"',
      "q.query('DELETE FROM mzcluster.audit_events')",
      'const sql = `WITH wanted AS (SELECT 1) SELECT * FROM wanted`',
      "const where = ' AND r.size = $2'",
      'const join = `${prefix} JOIN mzcluster.objects o ON o.id = x`',
      "await db.query('LISTEN mzcluster_catalog')",
      "await tx.query('LOCK TABLE mzcluster.system_parameters IN ACCESS EXCLUSIVE MODE')",
      "await tx.query(`SELECT nextval('mzcluster.${sequence}')`)",
    ]
    for (const source of planted) expect(sqlLiterals(source).map((literal) => literal.line), source).toEqual([1])
  })

  it('ignores comments, help texts naming a table, messages and import specifiers', () => {
    const innocent = [
      '// SELECT * FROM mzcluster.clusters WHERE id = $1',
      "/* INSERT INTO mzcluster.replicas */ const x = 1",
      "const description = 'Upserts the replica’s row in mzcluster.replica_status (reported_at = now).'",
      "throw new UsageError('select a cluster with --cluster')",
      "const hint = 'ALTER CLUSTER prod SET (SIZE = 200cc) is Materialize syntax'",
      "import {x} from './select.js'",
    ]
    for (const source of innocent) expect(sqlLiterals(source), source).toEqual([])
    expect(isSql('Drop the cluster first')).toBe(false)
  })
})
