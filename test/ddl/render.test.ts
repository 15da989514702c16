// Human rendering of cluster views: the `cluster show` block and the `cluster list` rows. Pure.

import {describe, expect, it} from 'vitest'
import {clusterListRows, clusterShowLines} from '../../src/lib/ddl/render.js'
import type {ClusterView} from '../../src/lib/ddl/show.js'
import {makeStyle} from '../../src/lib/output/style.js'

const NOW = Date.UTC(2026, 10, 22, 10, 0, 0)

const prod: ClusterView = {
  id: 'u1',
  name: 'prod',
  managed: true,
  builtin: false,
  size: '100cc',
  replication_factor: 2,
  availability_zones: ['az1', 'az2'],
  logging: {log_logging: false, interval_ms: 1000},
  schedule: {kind: 'manual'},
  auto_scaling_strategy: {on_hydration: {hydration_size: '800cc', linger_duration_ms: null}},
  reconfiguration: {
    target: {
      size: '200cc',
      replication_factor: 2,
      availability_zones: [],
      logging: {log_logging: false, interval_ms: null},
    },
    deadline: NOW + 90 * 60_000,
    on_timeout: 'rollback',
    status: 'in-progress',
  },
  burst: {burst_size: '800cc', linger_duration_ms: 600_000, steady_hydrated_at: null},
  activity: 'reconfiguring size to 200cc; hydration burst at 800cc',
  replicas: [
    {
      id: 'u2',
      name: 'r2',
      size: '100cc',
      availability_zones: [],
      online: true,
      hydrated: false,
      internal: false,
      billed_as: null,
      created_at: 0,
    },
    {
      id: 'u1',
      name: 'r1',
      size: '100cc',
      availability_zones: [],
      online: true,
      hydrated: true,
      internal: false,
      billed_as: null,
      created_at: 0,
    },
  ],
  features: {enable_eager_delta_joins: 'on'},
  synced_parameters: {},
  owner: 'mz_system',
  version: 3,
  created_at: NOW - 3_600_000,
}

describe('clusterShowLines', () => {
  it('renders the realized config and both records as a key/value block', () => {
    expect(clusterShowLines(prod, NOW, makeStyle(false))).toEqual([
      'cluster prod',
      '  id                  u1',
      '  managed             yes',
      '  size                100cc',
      '  replication factor  2',
      '  availability zones  az1, az2',
      '  introspection       every 1s, debugging off',
      '  schedule            manual',
      '  auto scaling        on hydration at 800cc, linger default',
      '  activity            reconfiguring size to 200cc; hydration burst at 800cc',
      '  reconfiguration     in-progress: size 200cc, replication factor 2, zones any, introspection off, debugging off',
      '                      deadline 2026-11-22T11:30:00.000Z (in 1h 30m), on timeout rollback',
      '  burst               800cc, linger 10m, steady replicas not yet hydrated',
      '  features            enable_eager_delta_joins=on',
      '  synced flags        none',
      '  created             2026-11-22T09:00:00.000Z (1h ago)',
    ])
  })

  it('leaves managed-only lines out for an unmanaged cluster and escapes control characters', () => {
    const lines = clusterShowLines(
      {
        ...prod,
        name: 'odd\u001bname',
        managed: false,
        size: null,
        replication_factor: null,
        availability_zones: null,
        logging: null,
        schedule: null,
        auto_scaling_strategy: null,
        reconfiguration: null,
        burst: null,
        activity: null,
      },
      NOW,
      makeStyle(false),
    )
    expect(lines[0]).toBe('cluster odd\\u001bname')
    expect(lines.map((line) => line.trim().split(/\s{2,}/)[0])).toEqual([
      'cluster odd\\u001bname',
      'id',
      'managed',
      'activity',
      'features',
      'synced flags',
      'created',
    ])
  })
})

describe('clusterListRows', () => {
  it('summarises replicas as SHOW CLUSTERS does, by name', () => {
    expect(clusterListRows([prod])).toEqual([
      {
        name: 'prod',
        replicas: 'r1 (100cc), r2 (100cc)',
        activity: 'reconfiguring size to 200cc; hydration burst at 800cc',
        size: '100cc',
        replication_factor: 2,
        builtin: false,
      },
    ])
  })
})
