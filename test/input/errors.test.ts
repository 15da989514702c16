import {describe, expect, it} from 'vitest'

import {
  CatalogBusyError,
  CatalogError,
  exitCodes,
  isMzclusterError,
  MzclusterError,
  NotFoundError,
  UsageError,
  WaitFailedError,
} from '../../src/lib/errors.js'

describe('typed errors', () => {
  it('carry the exit codes of product.md §5', () => {
    expect(exitCodes).toEqual({ok: 0, failure: 1, usage: 2, waitFailed: 3, changes: 4})
    expect(new UsageError('bad').exitCode).toBe(2)
    expect(new CatalogError('down').exitCode).toBe(1)
    expect(new CatalogBusyError(42, '/tmp/catalog').exitCode).toBe(1)
    expect(new WaitFailedError('timed out').exitCode).toBe(3)
  })

  it('name an unknown object with a stable code and exit 2', () => {
    const error = NotFoundError.of('cluster', 'prod', 'list clusters with `mzcluster cluster list`')
    expect(error).toBeInstanceOf(UsageError)
    expect(error.message).toBe('unknown cluster "prod"')
    expect(error.code).toBe('CLUSTER_NOT_FOUND')
    expect(error.exitCode).toBe(exitCodes.usage)
    expect(error.hint).toBe('list clusters with `mzcluster cluster list`')
    expect(NotFoundError.of('replica size', 'huge').code).toBe('REPLICA_SIZE_NOT_FOUND')
  })

  it('say which process holds a busy catalog', () => {
    const error = new CatalogBusyError(4242, '/data/catalog')
    expect(error.message).toContain('catalog is in use by process 4242')
    expect(error.code).toBe('CATALOG_BUSY')
  })

  it('keep the class name, the cause and are recognisable as ours', () => {
    const cause = new Error('ECONNREFUSED')
    const error = new CatalogError('cannot reach the catalog server', {code: 'CATALOG_UNREACHABLE', cause})
    expect(error.name).toBe('CatalogError')
    expect(error.cause).toBe(cause)
    expect(error).toBeInstanceOf(MzclusterError)
    expect(isMzclusterError(error)).toBe(true)
    expect(isMzclusterError(new Error('x'))).toBe(false)
  })
})
