// `flags inspect`: an interactive explorer sized for an 80×24 terminal. Pick a scope, search a
// cluster or replica (exact and prefix matches first), then browse one line per parameter (name,
// effective value, layer) with the selected one's layers below the list; Enter shows every layer
// and, with a flag source, the LaunchDarkly evaluation detail. Esc goes back a step; loop until the
// user quits. The prompts come in through `InspectPrompts` so this module never touches a terminal.

import type {Db} from '../catalog/db.js'
import {cutToWidth, displayWidth} from '../output/fit.js'
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
  /** What the prompt shows once answered (default: the name). */
  readonly short?: string
}

/** What a prompt resolves to when the user pressed Esc. */
export const ESCAPED = Symbol('escaped')
export type Escaped = typeof ESCAPED

export interface InspectPrompts {
  select<V>(config: {
    message: string
    choices: readonly Choice<V>[]
    pageSize?: number
    default?: V
  }): Promise<V | Escaped>
  search<V>(config: {
    message: string
    source: (term: string | undefined) => readonly Choice<V>[]
    pageSize?: number
  }): Promise<V | Escaped>
}

export interface InspectOptions {
  readonly prompts: InspectPrompts
  /** A line for the user (stdout). */
  readonly say: (line?: string) => void
  /** The terminal's size; lists and lines are fitted to it. */
  readonly width: number
  readonly rows: number
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

const MAX_SEARCH_RESULTS = 200
/** Lines a list prompt needs besides its items: message, blank, description, keys help, margin. */
const PROMPT_CHROME_LINES = 6
/** The prompt's cursor column ("❯ ") before a choice's name. */
const CURSOR_WIDTH = 2
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
    if (scope === QUIT || scope === ESCAPED) return
    const selected = await chooseObject(db, scope, options)
    if (selected === null) continue
    if ((await browseObject(db, selected, options)) === QUIT) return
  }
}

/**
 * The choices whose name contains `term` (case-insensitive), best first: an exact match, then
 * names starting with it, then the rest; each group keeps the given order. `pro` ranks `prod`
 * before `mz_probe`.
 */
export function rankMatches<C extends {readonly name: string}>(choices: readonly C[], term: string | undefined): C[] {
  const needle = (term ?? '').toLowerCase()
  const rank = (name: string): number => (name === needle ? 0 : name.startsWith(needle) ? 1 : 2)
  return choices
    .map((choice, index) => ({choice, index, name: choice.name.toLowerCase()}))
    .filter((entry) => entry.name.includes(needle))
    .sort((a, b) => rank(a.name) - rank(b.name) || a.index - b.index)
    .map((entry) => entry.choice)
}

/** How many list items fit the terminal below the prompt's message and above its help lines. */
const listSize = (rows: number): number => Math.max(5, rows - PROMPT_CHROME_LINES - 2)

/** Search a cluster or replica by name; null when there is none to choose or on Esc. */
async function chooseObject(db: Db, scope: Scope, options: InspectOptions): Promise<Selected | null> {
  const {prompts} = options
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
    pageSize: listSize(options.rows),
    source: (term) => rankMatches(choices, term).slice(0, MAX_SEARCH_RESULTS),
  })
  if (id === ESCAPED) return null
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
  say(style.heading(cutToWidth(loaded.title, options.width)))
  let last: string | undefined
  for (;;) {
    const choice = await options.prompts.select<string | typeof BACK | typeof QUIT>({
      message: 'Parameter (type to jump)',
      pageSize: listSize(options.rows - 1),
      ...(last === undefined ? {} : {default: last}),
      choices: [
        ...parameterChoices(loaded.resolved, options.width),
        {name: '‹ back', value: BACK},
        {name: 'quit', value: QUIT},
      ],
    })
    if (choice === ESCAPED) return BACK
    if (choice === BACK || choice === QUIT) return choice
    last = choice
    // Re-read so the detail is current (a sync or a set may have run meanwhile).
    loaded = (await load(db, selected)) ?? loaded
    const parameter = loaded.resolved.find((p) => p.name === choice)
    if (parameter) await showDetail(loaded, parameter, options)
  }
}

/**
 * One line per parameter, fitted to the terminal: name, effective value and the layer it comes
 * from, in aligned columns (the value is cut with … when the line would not fit). The selected
 * one's layers show below the list as its description.
 */
export function parameterChoices(parameters: readonly ResolvedParameter[], width: number): Choice<string>[] {
  const nameWidth = Math.max(0, ...parameters.map((p) => displayWidth(p.name)))
  const layerWidth = Math.max(0, ...parameters.map((p) => p.layer.length))
  const room = width - CURSOR_WIDTH - 1
  const widestValue = Math.max(0, ...parameters.map((p) => displayWidth(showControls(p.value))))
  const valueWidth = Math.min(widestValue, Math.max(8, room - nameWidth - layerWidth - 4))
  return parameters.map((p) => {
    const value = cutToWidth(showControls(p.value), valueWidth)
    const line = `${p.name.padEnd(nameWidth)}  ${value}${' '.repeat(Math.max(0, valueWidth - displayWidth(value)))}  ${p.layer}`
    return {
      name: cutToWidth(line.trimEnd(), room),
      value: p.name,
      short: p.name,
      description: cutToWidth(layerSummary(p), room),
    }
  })
}

/** `default off · environment on · manual — · synced on`. */
function layerSummary(p: ResolvedParameter): string {
  return (['default', 'environment', 'manual', 'synced'] as const)
    .map((layer) => `${layer} ${p.layers[layer] === undefined ? '—' : showControls(p.layers[layer])}`)
    .join(' · ')
}

async function showDetail(
  loaded: Loaded,
  parameter: ResolvedParameter,
  options: InspectOptions,
): Promise<void> {
  const {style} = options
  // Every line is cut to the terminal's width before it is styled, so none wraps.
  const say = (text = '', paint: (text: string) => string = (t) => t) => options.say(paint(cutToWidth(text, options.width)))
  const def = getParameter(parameter.name)
  say()
  say(`${parameter.name} on ${loaded.title}`, style.heading)
  say(`  effective    ${showControls(parameter.value)} (${parameter.layer})`)
  for (const layer of ['default', 'environment', 'manual', 'synced'] as const) {
    if (layer !== 'default' && loaded.object?.kind === 'environment' && layer !== 'environment') continue
    const value = parameter.layers[layer]
    say(`  ${layer.padEnd(12)} ${value === undefined ? '—' : showControls(value)}`)
  }
  for (const [layer, raw] of Object.entries(parameter.rejected)) {
    say(`  stored ${layer} value ${JSON.stringify(raw)} does not parse and is ignored`, style.warn)
  }
  if (!def) return
  if (options.source === null) {
    say('  (no flag source: pass --flags-file or --sdk-key to see the LaunchDarkly evaluation)', style.dim)
    return
  }
  if (loaded.object === null) {
    say('  (an unmanaged replica has no size and is never evaluated by sync)', style.dim)
    return
  }
  let environmentId: EnvironmentId
  try {
    environmentId = parseEnvironmentId(loaded.state.environmentId ?? '')
  } catch (error) {
    say(`  cannot evaluate: ${(error as Error).message}`, style.warn)
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
  const flagDefault = explanation.environment.default
  const defaultNote = (step: {default: unknown}) => (step.default === flagDefault ? '' : ` (default ${step.default})`)
  say(`  LaunchDarkly flag ${explanation.flag_key} (default ${flagDefault}):`)
  say(`    environment  ${describeStep(explanation.environment)}`)
  if (explanation.scoped) {
    say(`    ${explanation.scoped.context.padEnd(12)} ${describeStep(explanation.scoped)}${defaultNote(explanation.scoped)}`)
    say(`    decision     ${DECISIONS[explanation.scoped.decision]}`)
  }
  say()
}
