import {randomUUID} from 'node:crypto'

import {describe, expect, it} from 'vitest'

import {
  LOCAL_ENVIRONMENT_KEY,
  NIL_UUID,
  clusterContext,
  environmentContext,
  formatEnvironmentId,
  parseEnvironmentId,
  replicaContext,
} from '../../src/lib/flags/contexts.js'
import {ContextError, EnvironmentIdError} from '../../src/lib/flags/errors.js'

const build = {sha: '0123456789abcdef0123456789abcdef01234567', semver: 'v0.1.0-dev'}
const testEnv = parseEnvironmentId(`local-az1-${randomUUID()}-0`)
const kinds = (ctx: object) =>
  Object.keys(ctx)
    .filter((k) => k !== 'kind')
    .sort()

describe('A. contexts', () => {
  it('A1 cluster-scoped context builds: environment, organization, build, cluster', () => {
    const ctx = clusterContext(testEnv, build, {id: 's2', name: 'mz_catalog_server'})
    expect(ctx.kind).toBe('multi')
    expect(kinds(ctx)).toEqual(['build', 'cluster', 'environment', 'organization'])
    expect(ctx.cluster).toEqual({
      key: 's2',
      anonymous: true,
      cluster_id: 's2',
      cluster_name: 'mz_catalog_server',
      is_builtin: 'true',
    })
  })

  it('A2 replica-scoped context builds: environment, organization, build, cluster, replica', () => {
    const ctx = replicaContext(testEnv, build, {
      id: 'u1-replica-1',
      name: 'r1',
      size: 'D.1-xsmall',
      sizeFamily: 'D',
      clusterId: 'u1',
      clusterName: 'quickstart',
    })
    expect(kinds(ctx)).toEqual(['build', 'cluster', 'environment', 'organization', 'replica'])
    expect(ctx.cluster).toEqual({
      key: 'u1',
      anonymous: true,
      cluster_id: 'u1',
      cluster_name: 'quickstart',
      is_builtin: 'false',
    })
    expect(ctx.replica).toEqual({
      key: 'u1-replica-1',
      anonymous: true,
      replica_id: 'u1-replica-1',
      replica_name: 'r1',
      is_builtin: 'false',
      replica_size: 'D.1-xsmall',
      replica_size_family: 'D',
      cluster_id: 'u1',
      cluster_name: 'quickstart',
    })
  })

  it('A3 environment-wide context is unscoped: environment, organization, build only', () => {
    expect(kinds(environmentContext(testEnv, build))).toEqual(['build', 'environment', 'organization'])
  })
})

describe('environment kinds (flags-spec §5.1–5.3)', () => {
  it('a local environment is anonymous, with the dev key and the nil organization', () => {
    const ctx = environmentContext(testEnv, build)
    expect(ctx.environment).toEqual({
      key: LOCAL_ENVIRONMENT_KEY,
      anonymous: true,
      cloud_provider: 'local',
      cloud_provider_region: 'az1',
      organization_id: NIL_UUID,
      ordinal: '0',
    })
    expect(ctx.organization).toEqual({key: NIL_UUID, anonymous: true})
    expect(ctx.build).toEqual({key: build.sha, semver_version: 'v0.1.0-dev'})
  })

  it('a cloud environment is keyed by its id; every attribute is a string', () => {
    const org = '2d0b6a0e-4c39-4a8e-9c43-0f1d8e7f3b21'
    const env = parseEnvironmentId(`aws-us-east-1-${org}-12`)
    const ctx = environmentContext(env, build)
    expect(ctx.environment).toEqual({
      key: `aws-us-east-1-${org}-12`,
      cloud_provider: 'aws',
      cloud_provider_region: 'us-east-1',
      organization_id: org,
      ordinal: '12',
    })
    expect(ctx.organization).toEqual({key: org})
    const multi = clusterContext(env, build, {id: 'u7', name: 'x'}) as unknown as Record<string, unknown>
    for (const kind of ['environment', 'organization', 'build', 'cluster']) {
      for (const [attribute, value] of Object.entries(multi[kind] as object)) {
        expect(typeof value, `${kind}.${attribute}`).toBe(attribute === 'anonymous' ? 'boolean' : 'string')
      }
    }
  })

  it('parses the test harness id and re-renders it', () => {
    const text = 'mzcompose-us-east-1-00000000-0000-0000-0000-000000000000-0'
    expect(parseEnvironmentId(text)).toEqual({
      cloudProvider: 'mzcompose',
      region: 'us-east-1',
      organizationId: NIL_UUID,
      ordinal: 0,
    })
    expect(formatEnvironmentId(parseEnvironmentId(text))).toBe(text)
  })

  it('rejects malformed ids and unknown providers with a typed error', () => {
    for (const text of [
      '',
      'aws-us-east-1-0',
      `mars-us-east-1-${NIL_UUID}-0`,
      `aws-us-east-1-${NIL_UUID}-123456789`,
    ]) {
      expect(() => parseEnvironmentId(text)).toThrow(EnvironmentIdError)
    }
    expect(() => parseEnvironmentId(`mars-x-${NIL_UUID}-0`)).toThrow(/unknown cloud provider "mars"/)
  })
})

describe('is_builtin from the id variant', () => {
  it('a replica of a system cluster is builtin; ids that are neither s<N> nor u<N> cannot be targeted', () => {
    const replica = replicaContext(testEnv, build, {
      id: 's5',
      name: 'r1',
      size: '25cc',
      sizeFamily: 'cc',
      clusterId: 's2',
      clusterName: 'mz_catalog_server',
    })
    expect(replica.replica).toMatchObject({is_builtin: 'true'})
    expect(() => clusterContext(testEnv, build, {id: 'system-2', name: 'x'})).toThrow(ContextError)
    expect(() => clusterContext(testEnv, build, {id: 'su2', name: 'x'})).toThrow(ContextError)
  })
})
