// The commands a `simulate --event` may run, with their own flag and argument definitions, so an
// event is parsed exactly as the command line it spells. Loaded only by `simulate`.

import type {EventCommand} from './lib/simulate/events.js'

export async function eventCommands(): Promise<Map<string, EventCommand>> {
  const [alter, cancel, create, drop, online, hydration, frontier, flagsSet] = await Promise.all([
    import('./commands/cluster/alter.js'),
    import('./commands/cluster/cancel.js'),
    import('./commands/cluster/create.js'),
    import('./commands/cluster/drop.js'),
    import('./commands/signal/online.js'),
    import('./commands/signal/hydration.js'),
    import('./commands/signal/frontier.js'),
    import('./commands/flags/set.js'),
  ])
  return new Map<string, EventCommand>([
    ['cluster alter', alter.default],
    ['cluster cancel', cancel.default],
    ['cluster create', create.default],
    ['cluster drop', drop.default],
    ['signal online', online.default],
    ['signal hydration', hydration.default],
    ['signal frontier', frontier.default],
    ['flags set', flagsSet.default],
  ])
}
