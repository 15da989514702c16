// `flags inspect`: an interactive explorer. Pick a scope, search a cluster or replica, see every
// applicable parameter's effective value and each layer, then pick a parameter to see every layer
// and, with a flag source, the LaunchDarkly evaluation detail; loop until the user quits. The
// prompts come in through `InspectPrompts` so this module never touches a terminal itself.

import type {Db} from '../catalog/db.js'
import type {Column} from '../output/table.js'
import type {Style} from '../output/style.js'
import {showControls} from '../output/style.js'
import {parseEnvironmentId, type BuildInfo, type EnvironmentId} from './contexts.js'
import {resolveCluster, resolveEnvironment, resolveReplica} from './dump.js'
import {DECISIONS, describeStep, explainParameter, type InspectedObject} from './explain.js'
import type {FlagSource} from './flag-source.js'
import {getParameter} from '../parameters/registry.js'
import type {ResolvedParameter} from '../parameters/resolve.js'
import {
  clusterRef,
  compareText,
  formatReplicaRef,
  readFlagState,
  replicaRef,
  type FlagState,
} from './store.js'

export interface Choice<V> {
  readonly name: string
  readonly value: V
  readonly description?: string
}

export interface InspectPrompts {
  select<V>(config: {
    message: string
    choices: readonly Choice<V>[]
    pageSize?: number
    default?: V
  }): Promise<V>
  search<V>(config: {
    message: string
    source: (term: string | undefined) => readonly Choice<V>[]
    pageSize?: number
  }): Promise<V>
}

export interface InspectOptions {
  readonly prompts: InspectPrompts
  /** A line for the user (stdout). */
  readonly say: (line?: string) => void
  /** A table for the user (stdout). */
  readonly printRows: (columns: readonly Column[], rows: readonly Record<string, unknown>[]) => void
  readonly style: Style
  /** Null: no flag source configured (the detail then shows the layers only). */
  readonly source: FlagSource | null
  readonly build: BuildInfo
  readonly keyMap?: ReadonlyMap<string, string>
}

type Scope = 'environment' | 'cluster' | 'replica'
type Selected =
  | {readonly kind: 'environment'}
  | {readonly kind: 'cluster'; readonly id: string}
  | {readonly kind: 'replica'; readonly id: string}

export const LAYER_COLUMNS: readonly Column[] = [
  {key: 'name', header: 'NAME'},
  {key: 'value', header: 'VALUE'},
  {key: 'layer', header: 'LAYER'},
  {key: 'default', header: 'DEFAULT'},
  {key: 'environment', header: 'ENVIRONMENT'},
  {key: 'manual', header: 'MANUAL'},
  {key: 'synced', header: 'SYNCED'},
]

const MAX_SEARCH_RESULTS = 200
const QUIT = Symbol('quit')
const BACK = Symbol('back')

export async function runInspector(db: Db, options: InspectOptions): Promise<void> {
  const {prompts} = options
  for (;;) {
    const scope = await prompts.select<Scope | typeof QUIT>({
      message: 'Scope',
      choices: [
        {
          name: 'environment',
          value: 'environment',
          description: 'environment-wide values of every parameter',
        },
        {name: 'cluster', value: 'cluster', description: 'a cluster: its cluster-scoped parameters'},
        {name: 'replica', value: 'replica', description: 'a replica: its replica-scoped parameters'},
        {name: 'quit', value: QUIT},
      ],
    })
    if (scope === QUIT) return
    const selected = await chooseObject(db, scope, prompts)
    if (selected === null) continue
    if ((await browseObject(db, selected, options)) === QUIT) return
  }
}

/** Search a cluster or replica by name; null when there is none to choose. */
async function chooseObject(db: Db, scope: Scope, prompts: InspectPrompts): Promise<Selected | null> {
  if (scope === 'environment') return {kind: 'environment'}
  const state = await readFlagState(db, {
    clusters: scope === 'cluster' ? 'all' : 'none',
    replicas: scope === 'replica' ? 'all' : 'none',
  })
  const choices: Choice<string>[] =
    scope === 'cluster'
      ? state.clusters.map((c) => ({name: showControls(c.name), value: c.id, description: c.id}))
      : state.replicas.map((r) => ({
          name: showControls(formatReplicaRef(r.clusterName, r.name)),
          value: r.id,
          description: `${r.id}, ${r.size ?? 'unmanaged'}`,
        }))
  const id = await prompts.search<string>({
    message: scope === 'cluster' ? 'Cluster (type to search)' : 'Replica CLUSTER.REPLICA (type to search)',
    source: (term) => {
      const needle = (term ?? '').toLowerCase()
      return choices
        .filter((choice) => choice.name.toLowerCase().includes(needle))
        .slice(0, MAX_SEARCH_RESULTS)
    },
  })
  return scope === 'cluster' ? {kind: 'cluster', id} : {kind: 'replica', id}
}

interface Loaded {
  readonly state: FlagState
  readonly title: string
  readonly object: InspectedObject | null
  readonly resolved: readonly ResolvedParameter[]
}

const byName = (parameters: readonly ResolvedParameter[]): ResolvedParameter[] =>
  [...parameters].sort((a, b) => compareText(a.name, b.name))

async function load(db: Db, selected: Selected): Promise<Loaded | null> {
  if (selected.kind === 'environment') {
    const state = await readFlagState(db, {clusters: 'none', replicas: 'none'})
    return {
      state,
      title: 'environment',
      object: {kind: 'environment'},
      resolved: byName(resolveEnvironment(state)),
    }
  }
  if (selected.kind === 'cluster') {
    const state = await readFlagState(db, {clusters: {id: selected.id}, replicas: 'none'})
    const cluster = state.clusters[0]
    if (!cluster) return null
    return {
      state,
      title: `cluster ${showControls(cluster.name)} (${cluster.id})`,
      object: {kind: 'cluster', cluster: clusterRef(cluster)},
      resolved: byName(resolveCluster(state, cluster)),
    }
  }
  const state = await readFlagState(db, {clusters: 'none', replicas: {id: selected.id}})
  const replica = state.replicas[0]
  if (!replica) return null
  const ref = replicaRef(replica)
  return {
    state,
    title: `replica ${showControls(formatReplicaRef(replica.clusterName, replica.name))} (${replica.id}, ${replica.size ?? 'unmanaged'})`,
    object: ref === null ? null : {kind: 'replica', replica: ref},
    resolved: byName(resolveReplica(state, replica)),
  }
}

/** Show one object's parameters and explain the chosen ones until the user goes back or quits. */
async function browseObject(
  db: Db,
  selected: Selected,
  options: InspectOptions,
): Promise<typeof QUIT | typeof BACK> {
  const {say, style} = options
  let loaded = await load(db, selected)
  if (loaded === null) {
    say(style.warn('That object no longer exists.'))
    return BACK
  }
  say(style.heading(loaded.title))
  options.printRows(LAYER_COLUMNS, loaded.resolved.map(layerRow))
  let last: string | undefined
  for (;;) {
    const choice: string | typeof BACK | typeof QUIT = await options.prompts.select<
      string | typeof BACK | typeof QUIT
    >({
      message: 'Parameter (type to jump)',
      pageSize: 15,
      ...(last === undefined ? {} : {default: last}),
      choices: [
        ...loaded.resolved.map((p) => ({
          name: p.name,
          value: p.name,
          description: `${p.value} (${p.layer})`,
        })),
        {name: '‹ back', value: BACK},
        {name: 'quit', value: QUIT},
      ],
    })
    if (choice === BACK || choice === QUIT) return choice
    last = choice
    // Re-read so the detail is current (a sync or a set may have run meanwhile).
    loaded = (await load(db, selected)) ?? loaded
    const parameter = loaded.resolved.find((p) => p.name === choice)
    if (parameter) await showDetail(loaded, parameter, options)
  }
}

function layerRow(p: ResolvedParameter): Record<string, unknown> {
  return {
    name: p.name,
    value: p.value,
    layer: p.layer,
    default: p.layers.default,
    environment: p.layers.environment ?? '',
    manual: p.layers.manual ?? '',
    synced: p.layers.synced ?? '',
  }
}

async function showDetail(
  loaded: Loaded,
  parameter: ResolvedParameter,
  options: InspectOptions,
): Promise<void> {
  const {say, style} = options
  const def = getParameter(parameter.name)
  say()
  say(style.heading(`${parameter.name} on ${loaded.title}`))
  say(`  effective    ${parameter.value} (${parameter.layer})`)
  for (const layer of ['default', 'environment', 'manual', 'synced'] as const) {
    if (layer !== 'default' && loaded.object?.kind === 'environment' && layer !== 'environment') continue
    say(`  ${layer.padEnd(12)} ${parameter.layers[layer] ?? style.dim('—')}`)
  }
  for (const [layer, raw] of Object.entries(parameter.rejected)) {
    say(style.warn(`  stored ${layer} value ${JSON.stringify(raw)} does not parse and is ignored`))
  }
  if (!def) return
  if (options.source === null) {
    say(style.dim('  (no flag source: pass --flags-file or --sdk-key to see the LaunchDarkly evaluation)'))
    return
  }
  if (loaded.object === null) {
    say(style.dim('  (an unmanaged replica has no size and is never evaluated by sync)'))
    return
  }
  let environmentId: EnvironmentId
  try {
    environmentId = parseEnvironmentId(loaded.state.environmentId ?? '')
  } catch (error) {
    say(style.warn(`  cannot evaluate: ${(error as Error).message}`))
    return
  }
  const explanation = await explainParameter({
    source: options.source,
    environmentId,
    build: options.build,
    environment: loaded.state.environment,
    object: loaded.object,
    def,
    keyMap: options.keyMap,
  })
  say(`  LaunchDarkly flag ${explanation.flag_key}:`)
  say(
    `    environment context  ${describeStep(explanation.environment)}   (default ${explanation.environment.default})`,
  )
  if (explanation.scoped) {
    say(
      `    ${`${explanation.scoped.context} context`.padEnd(20)} ${describeStep(explanation.scoped)}   (default ${explanation.scoped.default})`,
    )
    say(`    decision             ${DECISIONS[explanation.scoped.decision]}`)
  }
  say()
}
