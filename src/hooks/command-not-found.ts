// An unknown command is invalid usage: one line naming it, the closest known command, exit 2.

import type {Hook} from '@oclif/core'

function distance(a: string, b: string): number {
  const row = Array.from({length: b.length + 1}, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number
    row[0] = i
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] as number
      row[j] = Math.min(current + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1))
      previous = current
    }
  }
  return row[b.length] as number
}

const hook: Hook<'command_not_found'> = async function (options) {
  const typed = options.id.replaceAll(':', ' ')
  const known = options.config.commandIDs.map((id) => id.replaceAll(':', ' '))
  const closest = known
    .map((id) => ({id, d: distance(typed, id)}))
    .sort((a, b) => a.d - b.d)
    .find((candidate) => candidate.d <= Math.max(2, Math.floor(typed.length / 3)))
  const hint = closest ? `did you mean \`mzcluster ${closest.id}\`? ` : ''
  process.stderr.write(`Error: unknown command "${typed}"\nHint: ${hint}see \`mzcluster --help\`\n`)
  this.exit(2)
}

export default hook
