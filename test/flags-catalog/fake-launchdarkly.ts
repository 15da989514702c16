// A stand-in for LaunchDarkly's streaming service on loopback: GET /all with the right SDK key gets
// a server-sent `put` event carrying the flag data (the same JSON as a flag-data file); any other
// key gets 401, which the SDK treats as an invalid key and gives up at once.

import {readFileSync} from 'node:fs'
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

export interface FakeLaunchDarkly {
  readonly baseUri: string
  /** Authorization headers received, in order. */
  readonly requests: string[]
  close(): Promise<void>
}

export async function startFakeLaunchDarkly(sdkKey: string, flagDataFile: string): Promise<FakeLaunchDarkly> {
  const data = JSON.parse(readFileSync(flagDataFile, 'utf8')) as {flags?: unknown; segments?: unknown}
  const requests: string[] = []
  const open = new Set<ServerResponse>()
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests.push(String(req.headers.authorization ?? ''))
    if (req.headers.authorization !== sdkKey) {
      res.writeHead(401).end()
      return
    }
    if (req.url?.startsWith('/all')) {
      res.writeHead(200, {'content-type': 'text/event-stream', 'cache-control': 'no-cache'})
      const put = {path: '/', data: {flags: data.flags ?? {}, segments: data.segments ?? {}}}
      res.write(`event: put\ndata: ${JSON.stringify(put)}\n\n`)
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
    async close() {
      for (const res of open) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
