// Hostile names and values: quotes, semicolons, backslashes, SQL fragments and Unicode round-trip
// exactly through create / list / show / drop (clusters, replicas, objects) and flag values, and
// never change what a statement does. Library level on both backends; then a few through the
// binary, where piped TSV must keep every record on one line. Names cannot contain control
// characters: a newline in a name is refused clearly (and writes nothing); a newline in a string
// parameter value is accepted and escaped in TSV.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {Queryable} from '../../src/lib/catalog/db.js'
import {parseClusterOptions} from '../../src/lib/ddl/cluster-options.js'
import {createCluster, dropCluster} from '../../src/lib/ddl/clusters.js'
import {createReplica, dropReplica} from '../../src/lib/ddl/replicas.js'
import {listClusters, listReplicas, showCluster} from '../../src/lib/ddl/show.js'
import {readAuditLog} from '../../src/lib/ddl/audit-log.js'
import {dumpFlags} from '../../src/lib/flags/dump.js'
import {setParameters, unsetParameters} from '../../src/lib/flags/settings.js'
import {createObject, dropObject, findObject, listObjects, newObject} from '../../src/lib/objects/objects.js'
import {escapeTsv} from '../../src/lib/output/table.js'
import type {Backend, TestCatalog} from '../support/catalogs.js'
import {backends, freshCatalog, useWarmCatalogs} from '../support/catalogs.js'
import {json, runCli} from '../support/cli.js'

useWarmCatalogs()

/** Names every statement must treat as plain data. */
const WEIRD = [
  `we'ird; "name" \\ ✓ 名前`,
  `x'; DROP TABLE mzcluster.clusters; --`,
  `"; DELETE FROM mzcluster.replicas WHERE true; --`,
  `Robert'); DROP TABLE mzcluster.objects;--`,
  `\\'; SELECT pg_sleep(10); --`,
  `$1 $$dollar$$ %s %n ' OR '1'='1`,
  `a.b "c".d`,
  ` spaced  out `,
  `🙂 ｆｕｌｌｗｉｄｔｈ ﬁ e\u0301`,
] as const

/** A string parameter value with everything, a newline included (values may hold newlines). */
const WEIRD_VALUE = `we'ird; "v" \\ ✓ 名前\n'); DROP TABLE mzcluster.system_parameters; --\ttab`
const STRING_PARAMETER = 'linear_join_yielding'

async function tables(q: Queryable): Promise<string[]> {
  const rows = await q.query<{name: string}>(
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'mzcluster' ORDER BY 1",
  )
  return rows.map((row) => row.name)
}

const count = async (q: Queryable, table: string) =>
  (await q.query<{n: number}>(`SELECT count(*)::int AS n FROM mzcluster.${table}`))[0]?.n

describe.each(backends())('hostile names and values round-trip exactly (%s catalog)', (backend: Backend) => {
  let catalog: TestCatalog
  let before: string[]

  beforeAll(async () => {
    catalog = await freshCatalog(backend)
    before = await tables(catalog.db)
    expect(before).toEqual(expect.arrayContaining(['clusters', 'replicas', 'objects', 'system_parameters', 'audit_events']))
  })
  afterAll(async () => catalog?.destroy())

  it('clusters: create, list, show, audit and drop keep every name byte for byte', async () => {
    const db = catalog.db
    const builtins = await count(db, 'clusters')
    for (const name of WEIRD) {
      const row = await createCluster(db, name, parseClusterOptions({size: '100cc', replicationFactor: '1'}))
      expect(row.name).toBe(name)
    }
    expect(await count(db, 'clusters')).toBe((builtins ?? 0) + WEIRD.length)
    const listed = (await listClusters(db, {includeBuiltin: false})).map((view) => view.name)
    expect([...listed].sort()).toEqual([...WEIRD].sort())
    for (const name of WEIRD) {
      const view = await showCluster(db, name)
      expect(view.name).toBe(name)
      expect(view.managed).toBe(true)
    }
    const creates = await readAuditLog(db, {kinds: ['cluster'], limit: 0})
    for (const name of WEIRD) expect(creates.some((event) => event.details.cluster_name === name)).toBe(true)
    // Every statement kept its meaning: no table dropped, no row deleted.
    expect(await tables(db)).toEqual(before)
    expect(await count(db, 'replicas')).toBe(3) // the builtin clusters' replicas
    for (const name of WEIRD) await dropCluster(db, name)
    expect(await listClusters(db, {includeBuiltin: false})).toEqual([])
    expect(await count(db, 'clusters')).toBe(builtins)
  })

  it('replicas and objects of a hostile cluster keep their hostile names', async () => {
    const db = catalog.db
    const [cluster, replicaName, objectName] = [WEIRD[0], WEIRD[1], WEIRD[3]]
    await createCluster(db, cluster, parseClusterOptions({unmanaged: true}))
    const replica = await createReplica(db, {cluster, replica: replicaName}, {size: '100cc', availabilityZone: WEIRD[2]})
    expect(replica.name).toBe(replicaName)
    const replicas = await listReplicas(db, {cluster})
    expect(replicas.map((r) => [r.cluster_name, r.name, r.availability_zones])).toEqual([[cluster, replicaName, [WEIRD[2]]]])
    const object = await createObject(db, newObject({name: objectName, cluster, type: 'index', replica: replicaName}))
    expect(object).toMatchObject({name: objectName, cluster_name: cluster, replica_name: replicaName})
    expect((await findObject(db, objectName)).name).toBe(objectName)
    expect((await listObjects(db, {cluster})).map((o) => o.name)).toEqual([objectName])
    expect(await tables(db)).toEqual(before)
    expect((await dropObject(db, objectName)).name).toBe(objectName)
    await dropReplica(db, {cluster, replica: replicaName})
    expect(await listReplicas(db, {cluster})).toEqual([])
    await dropCluster(db, cluster)
  })

  it(`flag values: a string parameter (${STRING_PARAMETER}) stores and dumps the value exactly, newline included`, async () => {
    const db = catalog.db
    const environment = {kind: 'environment'} as const
    const [change] = await setParameters(db, environment, [`${STRING_PARAMETER}=${WEIRD_VALUE}`])
    expect(change).toMatchObject({name: STRING_PARAMETER, value: WEIRD_VALUE, changed: true})
    const rows = await dumpFlags(db, {scope: 'environment'})
    expect(rows.filter((row) => row.name === STRING_PARAMETER).map((row) => row.value)).toEqual([WEIRD_VALUE])
    expect(await tables(db)).toEqual(before)

    // Pinned on a replica of a hostile cluster, with a hostile replica name.
    const [cluster, replicaName] = [WEIRD[6], WEIRD[0]]
    await createCluster(db, cluster, parseClusterOptions({unmanaged: true}))
    await createReplica(db, {cluster, replica: replicaName}, {size: '100cc'})
    const target = {kind: 'replica', replica: {cluster, replica: replicaName}} as const
    const value = `${WEIRD[4]}\n${WEIRD[5]}`
    await setParameters(db, target, [`${STRING_PARAMETER}=${value}`])
    const pinned = await dumpFlags(db, {replica: {cluster, replica: replicaName}})
    expect(pinned.filter((row) => row.name === STRING_PARAMETER).map((row) => row.value)).toEqual([value])
    await unsetParameters(db, target, [STRING_PARAMETER])
    await unsetParameters(db, environment, [STRING_PARAMETER])
    expect((await dumpFlags(db, {})).filter((row) => row.name === STRING_PARAMETER)).toEqual([])
    await dropCluster(db, cluster)
    expect(await count(db, 'system_parameters')).toBe(0)
  })

  it('a name with a newline (a control character) is refused clearly and writes nothing', async () => {
    const db = catalog.db
    const clusters = await count(db, 'clusters')
    const audit = await count(db, 'audit_events')
    await expect(createCluster(db, 'line\nbreak', parseClusterOptions({size: '100cc'}))).rejects.toMatchObject({
      code: 'INVALID_NAME',
      exitCode: 2,
      message: 'invalid cluster name "line\\nbreak": names cannot contain control characters',
    })
    await createCluster(db, 'holder', parseClusterOptions({unmanaged: true}))
    await expect(createReplica(db, {cluster: 'holder', replica: 'r\n1'}, {size: '100cc'})).rejects.toMatchObject({code: 'INVALID_NAME'})
    expect(() => newObject({name: 'o\r\nbj', cluster: 'holder', type: 'index'})).toThrow(/names cannot contain control characters/)
    await dropCluster(db, 'holder')
    expect(await count(db, 'clusters')).toBe(clusters)
    expect(await count(db, 'audit_events')).toBe((audit ?? 0) + 2) // only holder's create and drop
  })
})

/** `CLUSTER.REPLICA` with both parts SQL-quoted, as `replica` and `--replica` accept them. */
const replicaRef = (cluster: string, replica: string) =>
  `"${cluster.replaceAll('"', '""')}"."${replica.replaceAll('"', '""')}"`

describe('hostile names through the CLI (embedded catalog)', () => {
  let catalog: TestCatalog
  const cli = (args: readonly string[]) => runCli(args, {catalog: catalog.location, env: {NODE_ENV: undefined}})
  const [name, dropper, object] = [WEIRD[0], WEIRD[1], WEIRD[3]]

  beforeAll(async () => {
    catalog = await freshCatalog('embedded')
    await catalog.close()
  }, 180_000)
  afterAll(async () => catalog?.destroy())

  it('cluster create / list --json / show --json / TSV / drop', async () => {
    for (const cluster of [name, dropper]) expect(await cli(['cluster', 'create', cluster, '--size', '100cc'])).toMatchObject({code: 0, stdout: ''})
    const listed = json<{name: string}[]>(await cli(['cluster', 'list', '--json', '--no-builtin']))
    expect(listed.map((view) => view.name).sort()).toEqual([name, dropper].sort())
    expect(json<{name: string}>(await cli(['cluster', 'show', name, '--json'])).name).toBe(name)
    const tsv = await cli(['cluster', 'list', '--no-builtin'])
    const lines = tsv.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(3) // header + one line per cluster
    expect(lines.slice(1).map((line) => line.split('\t')[0]).sort()).toEqual([escapeTsv(name), escapeTsv(dropper)].sort())
    expect(escapeTsv(name)).toContain('\\\\') // the backslash is escaped, so the field reads back exactly
    // The DROP TABLE name did nothing but name a cluster.
    const status = json<Record<string, unknown>>(await cli(['catalog', 'status', '--json']))
    expect(status).toMatchObject({user_clusters: 2, builtin_clusters: 3})
    expect(await cli(['cluster', 'drop', dropper, '--yes'])).toMatchObject({code: 0, stdout: ''})
  }, 180_000)

  it('object create / list --json / TSV / drop on the hostile cluster', async () => {
    expect(await cli(['tick'])).toMatchObject({code: 0})
    const created = await cli(['object', 'create', object, '--cluster', name, '--type', 'index', '--json'])
    expect(created.code).toBe(0)
    expect(json<{name: string; cluster_name: string}>(created)).toMatchObject({name: object, cluster_name: name})
    const listed = json<{name: string}[]>(await cli(['object', 'list', '--json', '--cluster', name]))
    expect(listed.map((o) => o.name)).toEqual([object])
    const tsv = (await cli(['object', 'list'])).stdout.trimEnd().split('\n')
    expect(tsv).toHaveLength(2)
    expect(tsv[1]?.split('\t').slice(0, 3)).toEqual([escapeTsv(object), 'index', escapeTsv(name)])
    expect(await cli(['object', 'drop', object])).toMatchObject({code: 0, stdout: ''})
    expect(json<unknown[]>(await cli(['object', 'list', '--json']))).toEqual([])
  }, 180_000)

  it('a flag value with a newline: stored exactly, one TSV line per record, removed again', async () => {
    const set = await cli(['flags', 'set', `${STRING_PARAMETER}=${WEIRD_VALUE}`, '--replica', replicaRef(name, 'r1')])
    expect(set.code).toBe(0)
    const dumped = json<{name: string; value: string; object_name: string}[]>(await cli(['flags', 'dump', '--json', '--replica', replicaRef(name, 'r1')]))
    expect(dumped.filter((row) => row.name === STRING_PARAMETER).map((row) => row.value)).toEqual([WEIRD_VALUE])
    const tsv = await cli(['flags', 'dump', '--replica', replicaRef(name, 'r1')])
    const lines = tsv.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(2) // header + the one pin: the newline and the tab stayed escaped
    const fields = lines[1]?.split('\t') ?? []
    expect(fields).toHaveLength(lines[0]?.split('\t').length ?? -1)
    expect(fields).toContain(escapeTsv(WEIRD_VALUE))
    expect(await cli(['flags', 'unset', STRING_PARAMETER, '--replica', replicaRef(name, 'r1')])).toMatchObject({code: 0})
    expect(json<unknown[]>(await cli(['flags', 'dump', '--json', '--replica', replicaRef(name, 'r1')]))).toEqual([])
  }, 180_000)

  it('a cluster name with a newline is refused with one clear line and exit 2', async () => {
    const result = await cli(['cluster', 'create', 'line\nbreak', '--size', '100cc'])
    expect(result).toMatchObject({code: 2, stdout: ''})
    expect(result.stderr).toBe('Error: invalid cluster name "line\\nbreak": names cannot contain control characters\n')
    const cleanup = await cli(['cluster', 'drop', name, '--yes'])
    expect(cleanup.code).toBe(0)
    expect(json<unknown[]>(await cli(['cluster', 'list', '--json', '--no-builtin']))).toEqual([])
  }, 180_000)
})
