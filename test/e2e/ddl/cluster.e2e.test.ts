// The cluster, replica and audit commands run as a user runs them: the built binary, piped
// stdout (TSV with a header), --json shapes, stderr messages and exit codes.

import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import type {ClusterDropResult} from '../../../src/lib/ddl/clusters.js'
import type {AuditEntry} from '../../../src/lib/ddl/audit-log.js'
import type {ClusterView, ReplicaListItem} from '../../../src/lib/ddl/show.js'
import type {TestCatalog} from '../../support/catalogs.js'
import {backends, freshCatalog, useWarmCatalogs} from '../../support/catalogs.js'
import {json, runCli} from '../../support/cli.js'

useWarmCatalogs()

const WEIRD = `we'ird; name ✓`
/** Each CLI run costs a second or more on the embedded catalog, several on a loaded machine. */
const SLOW = 180_000

describe('cluster lifecycle end to end (embedded)', () => {
  let catalog: TestCatalog
  const cli = (...args: string[]) => runCli(args, {catalog: catalog.location})

  beforeAll(async () => {
    catalog = await freshCatalog('embedded')
    await catalog.close() // the CLI needs the embedded catalog's lock
  })
  afterAll(async () => catalog.destroy())

  let view: ClusterView

  it(
    'creates a cluster whose name has quotes, a semicolon, a space and Unicode',
    {timeout: SLOW},
    async () => {
      const created = await cli(
        'cluster',
        'create',
        WEIRD,
        '--size',
        '100cc',
        '--replication-factor',
        '2',
        '--availability-zones',
        'az1,az2',
        '--introspection-interval',
        '0',
        '--hydration-size',
        '800cc',
        '--linger',
        '10m',
        '--feature',
        'enable_eager_delta_joins=on',
        '--json',
      )
      expect(created.code).toBe(0)
      expect(created.stderr).toContain(`Created cluster ${JSON.stringify(WEIRD)}`)
      view = json<ClusterView>(created)
      expect(view).toMatchObject({
        name: WEIRD,
        managed: true,
        builtin: false,
        size: '100cc',
        replication_factor: 2,
        availability_zones: ['az1', 'az2'],
        logging: {log_logging: false, interval_ms: null},
        schedule: {kind: 'manual'},
        auto_scaling_strategy: {on_hydration: {hydration_size: '800cc', linger_duration_ms: 600_000}},
        reconfiguration: null,
        burst: null,
        activity: null,
        replicas: [],
        features: {enable_eager_delta_joins: 'on'},
      })
    },
  )

  it('shows it exactly, as JSON and as a key/value block', {timeout: SLOW}, async () => {
    const shown = await cli('cluster', 'show', WEIRD, '--json')
    expect(shown.code).toBe(0)
    expect(json(shown)).toEqual(view)

    const human = await cli('cluster', 'show', WEIRD)
    expect(human.code).toBe(0)
    expect(human.stderr).toBe('')
    const lines = human.stdout.split('\n')
    expect(lines[0]).toBe(`cluster ${WEIRD}`)
    expect(lines).toContain('  auto scaling        on hydration at 800cc, linger 10m')
    expect(lines).toContain('  introspection       off, debugging off')
    expect(human.stdout).toContain('No replicas (yet: the controller creates them).')
  })

  it('lists it: TSV with a header when piped, the show objects under --json', {timeout: SLOW}, async () => {
    const listed = await cli('cluster', 'list')
    expect(listed.code).toBe(0)
    const rows = listed.stdout.trimEnd().split('\n')
    expect(rows[0]).toBe('NAME\tREPLICAS\tACTIVITY\tSIZE\tRF\tBUILTIN')
    expect(rows).toContain('mz_system\tr1 (100cc)\t\t100cc\t1\ttrue')
    expect(rows).toContain(`${WEIRD}\t\t\t100cc\t2\tfalse`)

    const listedJson = await cli('cluster', 'list', '--no-builtin', '--json')
    expect(json<ClusterView[]>(listedJson)).toEqual([view])
  })

  it('drops it only with --yes when there is no terminal, audited', {timeout: SLOW}, async () => {
    const unconfirmed = await cli('cluster', 'drop', WEIRD)
    expect(unconfirmed.code).toBe(2)
    expect(unconfirmed.stdout).toBe('')
    expect(unconfirmed.stderr).toMatch(
      /^Error: refusing to ask for confirmation without a terminal\nHint: pass --yes\n$/,
    )

    const dropped = await cli('cluster', 'drop', WEIRD, '--yes', '--json')
    expect(dropped.code).toBe(0)
    expect(json<ClusterDropResult>(dropped)).toEqual({
      cluster_id: view.id,
      cluster_name: WEIRD,
      dropped_replicas: [],
      dropped_objects: [],
    })
    expect(dropped.stderr).toContain(`Dropped cluster ${JSON.stringify(WEIRD)}`)

    const audit = await cli('audit', '--cluster', WEIRD, '--json')
    expect(audit.code).toBe(0)
    expect(
      json<AuditEntry[]>(audit).map((e) => [e.event_type, e.object_type, e.details.cluster_name]),
    ).toEqual([
      ['create', 'cluster', WEIRD],
      ['drop', 'cluster', WEIRD],
    ])

    const gone = await cli('cluster', 'show', WEIRD)
    expect(gone.code).toBe(2)
    expect(gone.stdout).toBe('')
    expect(gone.stderr.split('\n')[0]).toBe(`Error: unknown cluster ${JSON.stringify(WEIRD)}`)
  })

  it('manages the replicas of an unmanaged cluster by hand, audited as manual', {timeout: SLOW}, async () => {
    const created = await cli('cluster', 'create', 'scratch', '--unmanaged')
    expect(created.code).toBe(0)
    expect(created.stdout).toBe('')

    const replica = await cli(
      'replica',
      'create',
      'scratch.r1',
      '--size',
      '50cc',
      '--availability-zone',
      'az1',
      '--json',
    )
    expect(replica.code).toBe(0)
    const item = json<ReplicaListItem>(replica)
    expect(item).toMatchObject({
      name: 'r1',
      cluster_name: 'scratch',
      size: '50cc',
      availability_zones: ['az1'],
      online: false,
      hydrated: false,
    })

    const listed = await cli('replica', 'list', '--cluster', 'scratch')
    expect(listed.code).toBe(0)
    expect(listed.stdout).toBe(
      `CLUSTER\tREPLICA\tID\tSIZE\tZONES\tONLINE\tHYDRATED\nscratch\tr1\t${item.id}\t50cc\taz1\tfalse\tfalse\n`,
    )

    const dropped = await cli('replica', 'drop', 'scratch.r1', '--json')
    expect(dropped.code).toBe(0)
    expect(json(dropped)).toMatchObject({replica_id: item.id, replica_name: 'r1', cluster_name: 'scratch'})

    const audit = await cli('audit', '--kind', 'cluster-replica')
    expect(audit.code).toBe(0)
    const lines = audit.stdout.trimEnd().split('\n')
    expect(lines[0]).toBe('ID\tTIME\tEVENT\tOBJECT\tDETAILS')
    expect(lines.slice(1).map((line) => line.split('\t').slice(2))).toEqual([
      ['create', 'cluster-replica', 'scratch.r1 reason=manual logical_size=50cc'],
      ['drop', 'cluster-replica', 'scratch.r1 reason=manual logical_size=50cc'],
    ])
  })
})

describe.runIf(backends().includes('server'))('cluster lifecycle end to end (server)', () => {
  let catalog: TestCatalog
  const cli = (...args: string[]) => runCli(args, {catalog: catalog.location})
  beforeAll(async () => {
    catalog = await freshCatalog('server')
  })
  afterAll(async () => catalog.destroy())

  it('creates, shows, lists, refuses a duplicate and drops', {timeout: SLOW}, async () => {
    const created = await cli(
      'cluster',
      'create',
      WEIRD,
      '--size',
      '200cc',
      '--schedule',
      'on-refresh',
      '--json',
    )
    expect(created.code).toBe(0)
    expect(json<ClusterView>(created)).toMatchObject({
      name: WEIRD,
      replication_factor: 0,
      schedule: {kind: 'on-refresh'},
    })

    const duplicate = await cli('cluster', 'create', WEIRD, '--size', '100cc')
    expect(duplicate).toMatchObject({code: 2, stdout: ''})
    expect(duplicate.stderr.split('\n')[0]).toBe(`Error: cluster ${JSON.stringify(WEIRD)} already exists`)

    const listed = await cli('cluster', 'list', '--no-builtin')
    expect(listed.stdout).toBe(`NAME\tREPLICAS\tACTIVITY\tSIZE\tRF\tBUILTIN\n${WEIRD}\t\t\t200cc\t0\tfalse\n`)

    const dropped = await cli('cluster', 'drop', WEIRD, '--yes')
    expect(dropped.code).toBe(0)
    const [count] = await catalog.db.query<{n: number}>(
      'SELECT count(*)::int AS n FROM mzcluster.clusters WHERE NOT builtin',
    )
    expect(count?.n).toBe(0)
  })
})
