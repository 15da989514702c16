// Build step: write a pre-initialised, empty PGlite data directory dump to dist/, so that creating
// an embedded catalog loads it (under a second) instead of running PGlite's initdb (several seconds).
import {PGlite} from '@electric-sql/pglite'
import {writeFileSync} from 'node:fs'

const db = await PGlite.create()
const dump = await db.dumpDataDir('gzip')
writeFileSync(new URL('../dist/catalog-template.tar.gz', import.meta.url), Buffer.from(await dump.arrayBuffer()))
await db.close()
