// An unknown command is invalid usage: one line naming it, the closest known command, exit 2.

import type {Hook} from '@oclif/core'
import {editDistance} from '../lib/input/similar.js'

const hook: Hook<'command_not_found'> = async function (options) {
  const typed = options.id.replaceAll(':', ' ')
  const known = options.config.commandIDs.map((id) => id.replaceAll(':', ' '))
  const closest = known
    .map((id) => ({id, d: editDistance(typed, id)}))
    .sort((a, b) => a.d - b.d)
    .find((candidate) => candidate.d <= Math.max(2, Math.floor(typed.length / 3)))
  const hint = closest ? `did you mean \`mzcluster ${closest.id}\`? ` : ''
  process.stderr.write(`Error: unknown command "${typed}"\nHint: ${hint}see \`mzcluster --help\`\n`)
  this.exit(2)
}

export default hook
