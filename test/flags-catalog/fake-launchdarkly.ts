// A stand-in for LaunchDarkly's streaming service on loopback: GET /all with the right SDK key gets
// a server-sent `put` event carrying the flag data (the same JSON as a flag-data file); any other
// key gets 401, which the SDK treats as an invalid key and gives up at once. `publish` streams new
// flag data to connected clients (as LaunchDarkly does when a flag changes); `setReachable(false)`
// cuts every stream and answers 503 (retryable) until it is reachable again.

import {readFileSync} from 'node:fs'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

export interface FlagData {
  readonly flags?: Record<string, unknown>
  readonly segments?: Record<string, unknown>
}

export interface FakeLaunchDarkly {
  readonly baseUri: string
  /** Authorization headers received, in order. */
  readonly requests: string[]
  /** Stream this flag data to every connected client (and serve it to later ones). */
  publish(data: FlagData): void
  /** Unreachable: open streams are cut and new requests get 503 until reachable again. */
  setReachable(reachable: boolean): void
  close(): Promise<void>
}

export async function startFakeLaunchDarkly(sdkKey: string, flagData: string | FlagData): Promise<FakeLaunchDarkly> {
  let data = (typeof flagData === 'string' ? JSON.parse(readFileSync(flagData, 'utf8')) : flagData) as FlagData
  let reachable = true
  const requests: string[] = []
  const open = new Set<ServerResponse>()
  const put = () => {
    const event = {path: '/', data: {flags: data.flags ?? {}, segments: data.segments ?? {}}}
    return `event: put\ndata: ${JSON.stringify(event)}\n\n`
  }
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(String(req.headers.authorization ?? ''))
    if (!reachable) {
      res.writeHead(503).end()
      return
    }
    if (req.headers.authorization !== sdkKey) {
      res.writeHead(401).end()
      return
    }
    if (req.url?.startsWith('/all')) {
      res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-cache'})
      res.write(put())
      open.add(res)
      res.on('close', () => open.delete(res))
      return
    }
    res.writeHead(202).end() // events/diagnostics (disabled anyway)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as AddressInfo
  return {
    baseUri: `http://127.0.0.1:${port}`,
    requests,
    publish(next) {
      data = next
      for (const res of open) res.write(put())
    },
    setReachable(next) {
      reachable = next
      if (!next) for (const res of open) res.destroy()
    },
    async close() {
      for (const res of open) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
