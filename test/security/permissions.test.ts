// The embedded catalog is private to its owner: its directory is 0700, and so is every parent
// directory mzcluster creates on the way (directories that already existed are left alone). The
// lock file beside it is 0600 while held. Checked through the library and through the binary,
// also under a permissive umask.

import {spawnSync} from 'node:child_process'
import {chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {afterEach, describe, expect, it} from 'vitest'

import {selectCatalog} from '../../src/lib/catalog/location.js'
import {initCatalog, openCatalog} from '../../src/lib/catalog/open.js'
import {BIN} from '../support/cli.js'

const mode = (path: string) => statSync(path).mode & 0o777
const octal = (bits: number) => `0${bits.toString(8)}`

describe.skipIf(process.platform === 'win32')('embedded catalog permissions', () => {
  const created: string[] = []
  /** A scratch parent that already exists, deliberately world-readable (0755). */
  const scratch = () => {
    const base = mkdtempSync(join(tmpdir(), 'mzcluster-perm-'))
    chmodSync(base, 0o755)
    created.push(base)
    return base
  }
  afterEach(() => {
    for (const dir of created.splice(0)) rmSync(dir, {recursive: true, force: true})
  })

  it('initCatalog creates the directory and the parents it makes 0700; an existing parent keeps its mode', async () => {
    const base = scratch()
    const dir = join(base, 'made', 'by', 'us', 'catalog')
    const {db} = await initCatalog(selectCatalog(dir))
    try {
      expect(octal(mode(dir))).toBe('0700')
      for (const parent of [join(base, 'made'), join(base, 'made', 'by'), join(base, 'made', 'by', 'us')]) {
        expect(octal(mode(parent)), parent).toBe('0700')
      }
      expect(octal(mode(base))).toBe('0755')
      expect(octal(mode(`${dir}.lock`))).toBe('0600') // held while open
    } finally {
      await db.close()
    }
    expect(existsSync(`${dir}.lock`)).toBe(false)
    // Reopening does not loosen anything.
    const again = await openCatalog(selectCatalog(dir))
    await again.close()
    expect(octal(mode(dir))).toBe('0700')
  })

  it('an existing empty directory (0755) becomes 0700 when the catalog is created in it', async () => {
    const base = scratch()
    const dir = join(base, 'catalog')
    mkdirSync(dir, {mode: 0o755})
    chmodSync(dir, 0o755)
    const {db} = await initCatalog(selectCatalog(dir))
    await db.close()
    expect(octal(mode(dir))).toBe('0700')
  })

  it.each([
    ['the default umask', '022'],
    ['a permissive umask (000)', '000'],
  ])('catalog init through the binary under %s: directory and created parents 0700', (_label, umask) => {
    const base = scratch()
    const dir = join(base, 'x', 'y', 'catalog')
    const env: NodeJS.ProcessEnv = {...process.env, CI: '1'}
    delete env.NODE_ENV
    const result = spawnSync('/bin/sh', ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, BIN, 'catalog', 'init', '--catalog', dir], {
      env,
      encoding: 'utf8',
      timeout: 60_000,
    })
    expect(result.status, result.stderr).toBe(0)
    expect(octal(mode(dir))).toBe('0700')
    expect(octal(mode(join(base, 'x')))).toBe('0700')
    expect(octal(mode(join(base, 'x', 'y')))).toBe('0700')
    expect(octal(mode(base))).toBe('0755')
  }, 120_000)
})
