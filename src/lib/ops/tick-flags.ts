// Flags shared by `tick` and `plan`.

import * as Flags from '@oclif/core/flags'

export const clusterFlag = Flags.string({
  summary: 'Only this cluster (repeatable).',
  multiple: true,
})

export const nowFlag = Flags.string({
  summary: 'Evaluate as of this time: ISO-8601, epoch milliseconds, or an offset such as +2h.',
})

export const detailedExitcodeFlag = Flags.boolean({
  summary: 'Exit 4 when changes were planned or applied, 0 when there was nothing to do.',
})
