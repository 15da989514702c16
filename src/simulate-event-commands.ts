// The commands a `simulate --event` may run, with their own flag and argument definitions, so an
// event is parsed exactly as the command line it spells. Loaded only by `simulate`.

import type {EventCommand} from './lib/simulate/events.js'

const CANCEL_COMMAND = './commands/cluster/cancel.js'

export async function eventCommands(): Promise<Map<string, EventCommand>> {
  const [alter, cancel, create, drop, online, hydration, frontier, flagsSet] = await Promise.all([
    import('./commands/cluster/alter.js'),
    // Not every build has `cluster cancel` yet: resolved at run time, with a bare fallback below.
    (import(CANCEL_COMMAND) as Promise<{default: EventCommand}>).catch(() => null),
    import('./commands/cluster/create.js'),
    import('./commands/cluster/drop.js'),
    import('./commands/signal/online.js'),
    import('./commands/signal/hydration.js'),
    import('./commands/signal/frontier.js'),
    import('./commands/flags/set.js'),
  ])
  const {Args} = await import('@oclif/core')
  return new Map<string, EventCommand>([
    ['cluster alter', alter.default],
    // `cluster cancel NAME`: its own definitions where the command exists, else the bare form.
    ['cluster cancel', cancel?.default ?? {args: {name: Args.string({required: true, description: 'Cluster name.'})}, flags: {}}],
    ['cluster create', create.default],
    ['cluster drop', drop.default],
    ['signal online', online.default],
    ['signal hydration', hydration.default],
    ['signal frontier', frontier.default],
    ['flags set', flagsSet.default],
  ])
}
