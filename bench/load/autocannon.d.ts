/** The part of autocannon 9's programmatic API the load test uses (the package ships no types). */
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  export interface RequestParams {
    method?: string
    path?: string
    headers?: Record<string, string>
    body?: string
  }

  export interface RequestDefinition extends RequestParams {
    setupRequest?: (request: RequestParams, context: Record<string, unknown>) => RequestParams
    onResponse?: (
      status: number,
      body: string,
      context: Record<string, unknown>,
      headers: Record<string, string>,
    ) => void
  }

  export interface Options {
    url: string
    connections?: number
    connectionRate?: number
    overallRate?: number
    duration?: number
    timeout?: number
    pipelining?: number
    requests?: RequestDefinition[]
    ignoreCoordinatedOmission?: boolean
    excludeErrorStats?: boolean
    skipAggregateResult?: boolean
  }

  export interface Result {
    duration: number
    errors: number
    timeouts: number
    non2xx: number
    requests: { total: number; average: number }
  }

  export interface Instance extends EventEmitter {
    stop(): void
  }

  function autocannon(options: Options, callback: (error: Error | null, result: Result) => void): Instance
  export default autocannon
}
