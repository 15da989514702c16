// Replica name generation (`r1`, `r2`, ...). Fresh names always go past the highest `r<n>` in use,
// so names never restart low or reuse a freed index while higher ones exist.

const GENERATED_NAME = /^r(\d+)$/
const U32_MAX = 4_294_967_295

/** Returns a generator of fresh names; `used` holds every replica name on the cluster (owned or not). */
export function replicaNameGenerator(used: readonly string[]): () => string {
  const taken = new Set(used)
  let next = 1
  for (const name of used) {
    const match = GENERATED_NAME.exec(name)
    if (match === null) continue
    const index = Number(match[1])
    if (index <= U32_MAX) next = Math.max(next, index + 1)
  }
  return () => {
    while (taken.has(`r${next}`)) next += 1
    const name = `r${next}`
    taken.add(name)
    next += 1
    return name
  }
}

/** The next `count` fresh names. */
export function freshReplicaNames(used: readonly string[], count: number): string[] {
  const nextName = replicaNameGenerator(used)
  return Array.from({length: count}, () => nextName())
}
