import { env } from 'cloudflare:workers'
import { describe, expect, it } from 'vitest'
import worker from '../src/index'
import { api, BASE, expectProblem } from './helpers'

describe('GET /healthz', () => {
  it('answers 200 {status: ok} when D1 answers', async () => {
    const res = await api('/healthz')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
    expect(res.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('answers 503 problem when D1 does not answer, without leaking the error', async () => {
    // Fault injection: a D1 binding whose every call fails, as during a D1 outage.
    const failing = new Proxy(env.DB, {
      get: (target, prop) =>
        prop === 'prepare'
          ? () => ({
              bind() {
                return this
              },
              all: () => Promise.reject(new Error('D1_ERROR: Network connection lost. SQLITE_IOERR')),
              raw: () => Promise.reject(new Error('D1_ERROR: Network connection lost. SQLITE_IOERR')),
              run: () => Promise.reject(new Error('D1_ERROR: Network connection lost. SQLITE_IOERR')),
              first: () => Promise.reject(new Error('D1_ERROR: Network connection lost. SQLITE_IOERR')),
            })
          : Reflect.get(target, prop),
    })
    const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} } as unknown as ExecutionContext
    const res = await worker.fetch(new Request(`${BASE}/healthz`), { ...env, DB: failing }, ctx)
    const problem = await expectProblem(res, 503)
    expect(problem.type).toBe('/problems/service-unavailable')
    expect(res.headers.get('Retry-After')).toBe('5')
  })
})
