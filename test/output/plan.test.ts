import {describe, expect, it} from 'vitest'

import {clusterId, DEFAULT_LOGGING, replicaId} from '../../src/lib/controller/context.js'
import type {ReconfigurationRecord} from '../../src/lib/controller/context.js'
import type {AppliedBatch, ClusterTickReport, TickReport} from '../../src/lib/controller/report.js'
import {hasChanges, planJson, renderPlan, summaryLine} from '../../src/lib/output/plan.js'

const NOW = Date.UTC(2026, 10, 22, 10, 0, 0)
const ANSI = '\u001b['

const finalized: ReconfigurationRecord = {
  target: {size: '200cc', replicationFactor: 1, availabilityZones: [], logging: DEFAULT_LOGGING},
  deadlineMs: NOW + 3_600_000,
  onTimeout: 'rollback',
  status: 'finalized',
}

const before: ClusterTickReport['before'] = {
  size: '100cc',
  replicationFactor: 1,
  availabilityZones: [],
  logging: DEFAULT_LOGGING,
  reconfigurationStatus: 'in-progress',
  burstSize: null,
}

/** The product.md §5 example: a graceful cut-over, then the target replica in and the old one out. */
function cutOverCluster(overrides: Partial<AppliedBatch> = {}): ClusterTickReport {
  return {
    clusterId: clusterId('u1'),
    clusterName: 'prod',
    before,
    skipped: false,
    batches: [
      {
        phase: 'state',
        stateWrite: {
          newSize: '200cc',
          newReplicationFactor: 1,
          newAvailabilityZones: [],
          newLogging: DEFAULT_LOGGING,
          reconfiguration: {record: finalized, audit: {transition: 'finalized', forced: false}},
        },
        creates: [],
        drops: [],
        outcome: 'applied',
      },
      {
        phase: 'replicas',
        stateWrite: null,
        creates: [
          {
            name: 'r3',
            shape: {size: '200cc', availabilityZones: [], logging: DEFAULT_LOGGING},
            reason: {kind: 'graceful-reconfiguration'},
            attribution: ['graceful-reconfiguration'],
          },
        ],
        drops: [{replicaId: replicaId('u7'), name: 'r1', size: '100cc'}],
        outcome: 'applied',
        ...overrides,
      },
    ],
  }
}

const report = (clusters: ClusterTickReport[], controllerEnabled = true): TickReport => ({
  nowMs: NOW,
  controllerEnabled,
  clusters,
  clustersExamined: 3,
})

describe('renderPlan', () => {
  it('renders the product.md example with markers and a reason column at column 50', () => {
    expect(renderPlan(report([cutOverCluster()]), {mode: 'plan', color: false})).toBe(
      [
        'cluster prod (u1)',
        '  ~ reconfiguration in-progress → finalized       graceful-reconfiguration',
        '  ~ size 100cc → 200cc',
        '  + replica r3 200cc                              reconfiguration',
        '  - replica r1 100cc                              retired',
        'Plan: 1 to create, 1 to drop, 1 state write, 0 clusters skipped.',
      ].join('\n'),
    )
  })

  it('uses the applied verb after a real tick', () => {
    expect(
      renderPlan(report([cutOverCluster()]), {mode: 'applied', color: false})
        .split('\n')
        .at(-1),
    ).toBe('Applied: 1 created, 1 dropped, 1 state write, 0 clusters skipped.')
  })

  it('colours the markers only when colour is on', () => {
    const plain = renderPlan(report([cutOverCluster()]), {mode: 'plan', color: false})
    const coloured = renderPlan(report([cutOverCluster()]), {mode: 'plan', color: true})
    expect(plain).not.toContain(ANSI)
    expect(coloured).toContain('\u001b[32m+\u001b[39m')
    expect(coloured).toContain('\u001b[31m-\u001b[39m')
    expect(coloured).toContain('\u001b[33m~\u001b[39m')
  })

  it('moves the reason column two spaces past a line longer than 48 characters', () => {
    const long = 'r'.repeat(60)
    const cluster = cutOverCluster()
    const replicas = cluster.batches[1] as AppliedBatch
    const out = renderPlan(
      report([
        {...cluster, batches: [{...replicas, creates: [{...replicas.creates[0]!, name: long}], drops: []}]},
      ]),
      {mode: 'plan', color: false},
    )
    expect(out).toContain(`  + replica ${long} 200cc  reconfiguration`)
  })

  it('annotates a rejected batch and leaves it out of the counts', () => {
    const out = renderPlan(report([cutOverCluster({outcome: 'rejected'})]), {mode: 'applied', color: false})
    expect(out).toContain(
      '  - replica r1 100cc                              retired\n  ! rejected: the cluster changed since it was read; the next tick recomputes',
    )
    expect(out.split('\n').at(-1)).toBe(
      'Applied: 0 created, 0 dropped, 1 state write, 0 clusters skipped, 1 rejected.',
    )
  })

  it('says why a resource-exhausted batch wrote nothing', () => {
    const out = renderPlan(report([cutOverCluster({outcome: 'resource-exhausted'})]), {
      mode: 'applied',
      color: false,
    })
    expect(out).toContain('  ! resource-exhausted: the new replicas would exceed max_replicas_per_cluster')
    expect(out.split('\n').at(-1)).toBe(
      'Applied: 0 created, 0 dropped, 1 state write, 0 clusters skipped, 1 resource-exhausted.',
    )
  })

  it('marks a cluster skipped after its state write was rejected', () => {
    const cluster: ClusterTickReport = {
      ...cutOverCluster(),
      skipped: true,
      batches: [{...(cutOverCluster().batches[0] as AppliedBatch), outcome: 'rejected'}],
    }
    const lines = renderPlan(report([cluster]), {mode: 'applied', color: false}).split('\n')
    expect(lines.slice(-3)).toEqual([
      '  ! rejected: the cluster changed since it was read; the next tick recomputes',
      '  ! skipped: its state write was rejected',
      'Applied: 0 created, 0 dropped, 0 state writes, 1 cluster skipped, 1 rejected.',
    ])
  })

  it('says there is nothing to do when every cluster is steady', () => {
    expect(renderPlan(report([]), {mode: 'plan', color: true})).toBe(
      'No changes. Every managed cluster matches what its strategies desire.',
    )
  })

  it('says the controller is off when it is disabled', () => {
    expect(renderPlan(report([], false), {mode: 'applied', color: false})).toBe(
      'The cluster controller is off (enable_cluster_controller = off): nothing was done.',
    )
  })

  it('renders burst arming, a forced cut-over, rf normalisation and zoned creates', () => {
    const cluster: ClusterTickReport = {
      clusterId: clusterId('u2'),
      clusterName: 'analytics',
      before: {...before, replicationFactor: 2, availabilityZones: ['az1']},
      skipped: false,
      batches: [
        {
          phase: 'state',
          stateWrite: {
            newReplicationFactor: 3,
            newAvailabilityZones: ['az1', 'az2'],
            reconfiguration: {record: finalized, audit: {transition: 'finalized', forced: true}},
            burst: {
              record: {burstSize: '800cc', lingerMs: 0, steadyHydratedAtMs: null},
              audit: {transition: 'started'},
            },
          },
          creates: [],
          drops: [],
          outcome: 'applied',
        },
        {
          phase: 'replicas',
          stateWrite: null,
          creates: [
            {
              name: 'r4',
              shape: {size: '800cc', availabilityZones: ['az1', 'az2'], logging: DEFAULT_LOGGING},
              reason: {kind: 'hydration-burst'},
              attribution: ['hydration-burst'],
            },
          ],
          drops: [],
          outcome: 'applied',
        },
      ],
    }
    expect(renderPlan(report([cluster]), {mode: 'plan', color: false}).split('\n')).toEqual([
      'cluster analytics (u2)',
      '  ~ reconfiguration in-progress → finalized (forced)  graceful-reconfiguration',
      '  ~ replication factor 2 → 3',
      '  ~ availability zones [az1] → [az1,az2]',
      '  + burst 800cc                                       hydration-burst',
      '  + replica r4 800cc [az1,az2]                        hydration-burst',
      'Plan: 1 to create, 0 to drop, 1 state write, 0 clusters skipped.',
    ])
  })

  it('renders a burst stamped hydrated and a burst torn down after its linger', () => {
    const stamped: ClusterTickReport = {
      clusterId: clusterId('u3'),
      clusterName: 'a',
      before: {...before, reconfigurationStatus: null, burstSize: '800cc'},
      skipped: false,
      batches: [
        {
          phase: 'state',
          stateWrite: {
            burst: {record: {burstSize: '800cc', lingerMs: 0, steadyHydratedAtMs: NOW}, audit: null},
          },
          creates: [],
          drops: [],
          outcome: 'applied',
        },
      ],
    }
    const finished: ClusterTickReport = {
      ...stamped,
      clusterId: clusterId('u4'),
      clusterName: 'b',
      batches: [
        {
          phase: 'state',
          stateWrite: {burst: {record: null, audit: {transition: 'finished', cause: 'linger-elapsed'}}},
          creates: [],
          drops: [],
          outcome: 'applied',
        },
      ],
    }
    const lines = renderPlan(report([stamped, finished]), {mode: 'plan', color: false}).split('\n')
    expect(lines.slice(0, 4)).toEqual([
      'cluster a (u3)',
      '  ~ burst steady hydrated at 2026-11-22T10:00:00.000Z  hydration-burst',
      'cluster b (u4)',
      '  - burst 800cc' + ' '.repeat(40) + 'linger-elapsed',
    ])
  })

  it('renders the kernel shed after a resource-exhausted batch', () => {
    const cluster = cutOverCluster({outcome: 'resource-exhausted'})
    const shed: AppliedBatch = {
      phase: 'shed',
      stateWrite: {
        reconfiguration: {
          record: {...finalized, status: 'resource-exhausted'},
          audit: {transition: 'resource-exhausted'},
        },
      },
      creates: [],
      drops: [],
      outcome: 'applied',
    }
    const replicas = cluster.batches[1] as AppliedBatch
    const out = renderPlan(report([{...cluster, before: {...before}, batches: [replicas, shed]}]), {
      mode: 'applied',
      color: false,
    })
    expect(out).toContain('  ~ reconfiguration in-progress → resource-exhausted  resource-limits')
  })
})

describe('summaryLine and hasChanges', () => {
  it('counts only applied batches and pluralises', () => {
    expect(summaryLine(report([cutOverCluster(), cutOverCluster()]), 'plan')).toBe(
      'Plan: 2 to create, 2 to drop, 2 state writes, 0 clusters skipped.',
    )
  })

  it('reports changes when any batch exists and none when steady or off', () => {
    expect(hasChanges(report([cutOverCluster()]))).toBe(true)
    expect(hasChanges(report([cutOverCluster({outcome: 'rejected'})]))).toBe(true)
    expect(hasChanges(report([]))).toBe(false)
    expect(hasChanges(report([cutOverCluster()], false))).toBe(false)
  })
})

describe('planJson', () => {
  it('gives the documented snake_case shape for a plan', () => {
    expect(planJson(report([cutOverCluster()]), 'plan')).toEqual({
      mode: 'plan',
      now: NOW,
      controller_enabled: true,
      clusters_examined: 3,
      clusters: [
        {
          cluster_id: 'u1',
          cluster_name: 'prod',
          state_write: {
            new_size: '200cc',
            new_replication_factor: 1,
            new_availability_zones: [],
            new_logging: {log_logging: false, interval_ms: 1000},
            reconfiguration: {
              record: {
                target: {
                  size: '200cc',
                  replication_factor: 1,
                  availability_zones: [],
                  logging: {log_logging: false, interval_ms: 1000},
                },
                deadline: NOW + 3_600_000,
                on_timeout: 'rollback',
                status: 'finalized',
              },
              audit: {transition: 'finalized', forced: false},
            },
          },
          creates: [
            {
              name: 'r3',
              size: '200cc',
              availability_zones: [],
              logging: {log_logging: false, interval_ms: 1000},
              reason: 'reconfiguration',
              attribution: ['graceful-reconfiguration'],
            },
          ],
          drops: [{replica_id: 'u7', name: 'r1', size: '100cc'}],
          outcome: 'planned',
          skipped: false,
          batches: [
            expect.objectContaining({phase: 'state', outcome: 'planned', creates: [], drops: []}),
            expect.objectContaining({phase: 'replicas', outcome: 'planned', state_write: null}),
          ],
        },
      ],
      summary: {
        creates: 1,
        drops: 1,
        state_writes: 1,
        clusters_skipped: 0,
        rejected: 0,
        resource_exhausted: 0,
      },
    })
  })

  it('combines outcomes: rejected wins over resource_exhausted, which wins over applied', () => {
    const json = planJson(
      report([
        cutOverCluster(),
        cutOverCluster({outcome: 'rejected'}),
        cutOverCluster({outcome: 'resource-exhausted'}),
      ]),
      'applied',
    )
    expect(json.clusters.map((cluster) => cluster.outcome)).toEqual([
      'applied',
      'rejected',
      'resource_exhausted',
    ])
    expect(json.summary).toMatchObject({creates: 1, drops: 1, rejected: 1, resource_exhausted: 1})
  })

  it('carries the on-refresh decision as scheduling_policies with the schedule reason', () => {
    const cluster = cutOverCluster()
    const replicas = cluster.batches[1] as AppliedBatch
    const onRefresh: AppliedBatch = {
      ...replicas,
      drops: [],
      creates: [
        {
          ...replicas.creates[0]!,
          reason: {
            kind: 'on-refresh',
            decision: {
              objectsNeedingRefresh: ['u516'] as never[],
              objectsNeedingCompaction: [],
              hydrationTimeEstimateMs: 60_000,
            },
          },
          attribution: ['on-refresh'],
        },
      ],
    }
    const [create] = planJson(report([{...cluster, batches: [onRefresh]}]), 'plan').clusters[0]!.creates
    expect(create).toMatchObject({
      reason: 'schedule',
      scheduling_policies: {
        on_refresh: {
          decision: 'on',
          hydration_time_estimate_ms: 60_000,
          objects_needing_refresh: ['u516'],
          objects_needing_compaction: [],
        },
      },
    })
  })

  it('serialises a burst write with its record and finish cause', () => {
    const cluster: ClusterTickReport = {
      ...cutOverCluster(),
      batches: [
        {
          phase: 'state',
          stateWrite: {burst: {record: null, audit: {transition: 'finished', cause: 'no-longer-warranted'}}},
          creates: [],
          drops: [],
          outcome: 'applied',
        },
      ],
    }
    expect(planJson(report([cluster]), 'applied').clusters[0]!.state_write).toEqual({
      burst: {record: null, audit: {transition: 'finished', finish_cause: 'no-longer-warranted'}},
    })
  })
})
