// The folders of src/lib import each other in one direction only: no cycle between folders (a
// lower floor importing a higher one is how two areas end up knowing each other's insides). Every
// relative import counts, static, dynamic or type-only. A file directly in src/lib (demo.ts,
// errors.ts) is a node of its own. KNOWN_CYCLES lists the cycles still being taken apart; it may
// only shrink — a listed cycle that no longer exists fails the check until it is removed.

import {describe, expect, it} from 'vitest'
import {relativeImports, sourceFiles} from './source.js'

const LIB = 'src/lib/'

/** Cycles between folders still to be removed, each as its sorted list of folders. */
const KNOWN_CYCLES: readonly (readonly string[])[] = []

/** The folder of a file under src/lib (or the file's own name when it sits in src/lib itself). */
function folderOf(path: string): string | null {
  if (!path.startsWith(LIB)) return null
  const rest = path.slice(LIB.length)
  const slash = rest.indexOf('/')
  return slash === -1 ? rest : rest.slice(0, slash)
}

/** folder → folders it imports, with one example import per edge. */
export function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>()
  for (const file of sourceFiles(LIB)) {
    const from = folderOf(file) as string
    const edges = graph.get(from) ?? new Map<string, string>()
    graph.set(from, edges)
    for (const target of relativeImports(file)) {
      const to = folderOf(target)
      if (to !== null && to !== from && !edges.has(to)) edges.set(to, `${file} → ${target}`)
    }
  }
  return graph
}

/** Strongly connected components of more than one node (Tarjan), each sorted. */
export function cycles(graph: ReadonlyMap<string, ReadonlyMap<string, string>>): string[][] {
  let index = 0
  const indices = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const connect = (node: string) => {
    indices.set(node, index)
    low.set(node, index++)
    stack.push(node)
    onStack.add(node)
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!indices.has(next)) {
        connect(next)
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number))
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node) as number, indices.get(next) as number))
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = []
      for (;;) {
        const member = stack.pop() as string
        onStack.delete(member)
        component.push(member)
        if (member === node) break
      }
      if (component.length > 1) found.push(component.sort())
    }
  }
  for (const node of [...graph.keys()].sort()) if (!indices.has(node)) connect(node)
  return found.sort((a, b) => a.join().localeCompare(b.join()))
}

const key = (cycle: readonly string[]) => [...cycle].sort().join(' ↔ ')

describe('no import cycle between the folders of src/lib', () => {
  const graph = folderGraph()
  const found = cycles(graph)

  it('has no cycle but the ones still being removed', () => {
    const known = new Set(KNOWN_CYCLES.map(key))
    const unexpected = found
      .filter((cycle) => !known.has(key(cycle)))
      .map((cycle) => `${key(cycle)}: ${cycle.flatMap((from) => cycle.filter((to) => graph.get(from)?.has(to)).map((to) => graph.get(from)?.get(to))).join('; ')}`)
    expect(unexpected).toEqual([])
  })

  it('every known cycle still exists (remove the ones that are gone from KNOWN_CYCLES)', () => {
    const present = new Set(found.map(key))
    expect(KNOWN_CYCLES.map(key).filter((cycle) => !present.has(cycle))).toEqual([])
  })

  it('the cycle finder finds a cycle, and only a cycle', () => {
    const edges = (pairs: [string, string][]) => {
      const graph = new Map<string, Map<string, string>>()
      for (const [from, to] of pairs) {
        graph.set(from, (graph.get(from) ?? new Map()).set(to, `${from}→${to}`))
        if (!graph.has(to)) graph.set(to, new Map())
      }
      return graph
    }
    expect(cycles(edges([['a', 'b'], ['b', 'c'], ['c', 'a'], ['c', 'd']]))).toEqual([['a', 'b', 'c']])
    expect(cycles(edges([['a', 'b'], ['b', 'c'], ['a', 'c']]))).toEqual([])
    expect(graph.get('controller')?.size ?? 0).toBe(0) // the pure kernel imports no other folder
  })
})
