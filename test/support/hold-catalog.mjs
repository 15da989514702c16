// A client that holds an embedded catalog open for the fault tests, driven line by line on stdin:
// `begin`, `put KEY` (in the open transaction, or on its own), `commit`, `get KEY`, `exit`. It opens
// the catalog as every command does (through the warm catalog process unless MZCLUSTER_NO_DAEMON is
// set) and answers each line with `ok …` or `error …` on stdout; `open PID` once it holds it.
import {createInterface} from 'node:readline'
import {openCatalog} from '../../dist/lib/catalog/open.js'
import {selectCatalog} from '../../dist/lib/catalog/location.js'

const [dir, lockTimeout = '10000'] = process.argv.slice(2)
const db = await openCatalog(selectCatalog(dir, {}), {
  lockTimeoutMs: Number(lockTimeout),
  onWait: (holder) => process.stdout.write(`waiting ${holder.pid}\n`),
})
process.stdout.write(`open ${process.pid}\n`)
let release = null
let tx = null
const lines = createInterface({input: process.stdin})
for await (const line of lines) {
  const [verb, key] = line.trim().split(/\s+/)
  try {
    if (verb === 'begin') {
      const opened = new Promise((resolve) => {
        db.transaction((inner) => {
          tx = inner
          resolve()
          return new Promise((done) => (release = done))
        })
      })
      await opened
      process.stdout.write('ok begin\n')
    } else if (verb === 'put') {
      const sql = "INSERT INTO mzcluster.meta (key, value) VALUES ($1, 'x') ON CONFLICT (key) DO NOTHING"
      await (tx ?? db).query(sql, [key])
      process.stdout.write(`ok put ${key}\n`)
    } else if (verb === 'commit') {
      release?.()
      tx = null
      await new Promise((resolve) => setTimeout(resolve, 0))
      await db.query('SELECT 1')
      process.stdout.write('ok commit\n')
    } else if (verb === 'get') {
      const rows = await db.query('SELECT value FROM mzcluster.meta WHERE key = $1', [key])
      process.stdout.write(`ok get ${key} ${rows.length > 0 ? 'present' : 'absent'}\n`)
    } else if (verb === 'exit') {
      break
    }
  } catch (error) {
    process.stdout.write(`error ${String(error.message).replace(/\n/g, ' ')}\n`)
  }
}
await db.close()
process.exit(0)
