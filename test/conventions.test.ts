import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test'
import { env } from 'cloudflare:workers'
import { describe, expect, it, vi } from 'vitest'
import worker from '../src/index'
import { api, BASE, expectProblem, postJson } from './helpers'

describe('X-Request-Id', () => {
  it('echoes a sane incoming id', async () => {
    const res = await api('/healthz', { headers: { 'X-Request-Id': 'edge-7f3a.42:abc_DEF' } })
    expect(res.headers.get('X-Request-Id')).toBe('edge-7f3a.42:abc_DEF')
  })

  it.each(['has space', 'x'.repeat(129), '<script>', 'a\tb', ''])(
    'replaces an insane one (%j) with a UUID',
    async (id) => {
      const res = await api('/api/products?limit=1', { headers: { 'X-Request-Id': id } })
      expect(res.headers.get('X-Request-Id')).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      )
    },
  )

  it('is on the generic 500 of a misconfigured deployment, which leaks nothing', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    const ctx = createExecutionContext()
    const res = await worker.fetch(
      new Request(`${BASE}/api/products`, { headers: { 'X-Request-Id': 'cfg-check-1' } }),
      { ...env, STORE_CURRENCY: 'dollars' },
      ctx,
    )
    await waitOnExecutionContext(ctx)
    expect(res.headers.get('X-Request-Id')).toBe('cfg-check-1')
    const problem = await expectProblem(res, 500)
    expect(JSON.stringify(problem)).not.toContain('STORE_CURRENCY')
    // The reason goes to the log, with the request id, for the operator.
    const lines = logged.mock.calls.map(([line]) => JSON.parse(String(line)))
    logged.mockRestore()
    expect(lines).toContainEqual(
      expect.objectContaining({
        event: 'unhandled_error',
        requestId: 'cfg-check-1',
        error: expect.stringContaining('STORE_CURRENCY'),
      }),
    )
  })

  it('is on error responses too', async () => {
    const res = await api('/no/such/route')
    expect(res.headers.get('X-Request-Id')).toBeTruthy()
  })
})

describe('Server-Timing', () => {
  it('is on every /api/ response, errors included, with d1 and kv round-trip counts', async () => {
    for (const res of [
      await api('/api/products?limit=1'),
      await api('/api/products/NOPE'),
      await api('/api/nowhere'),
    ]) {
      expect(res.headers.get('Server-Timing')).toMatch(/(^|, )d1;dur=[\d.]+;desc="\d+"/)
      expect(res.headers.get('Server-Timing')).toMatch(/(^|, )kv;dur=[\d.]+;desc="\d+"/)
    }
  })

  it('is not added outside /api/', async () => {
    expect((await api('/healthz')).headers.get('Server-Timing')).toBeNull()
  })
})

describe('errors are RFC 9457 problems', () => {
  it('answers an unknown route with a 404 problem', async () => {
    const problem = await expectProblem(await api('/api/nope'), 404)
    expect(problem).toMatchObject({ type: '/problems/not-found', status: 404, instance: '/api/nope' })
  })

  it('answers malformed JSON with 400', async () => {
    const problem = await expectProblem(await postJson('/api/cart/quote', '{"items": [}'), 400)
    expect(problem.type).toBe('/problems/malformed-json')
  })

  it('answers an empty JSON body with 400', async () => {
    await expectProblem(await postJson('/api/cart/quote', ''), 400)
  })

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml'])(
    'answers a %s body with 415',
    async (type) => {
      const res = await api('/api/cart/quote', {
        method: 'POST',
        headers: { 'Content-Type': type },
        body: '{"items":[]}',
      })
      await expectProblem(res, 415)
    },
  )

  it('answers a body without a content type with 415', async () => {
    const res = await api('/api/orders', { method: 'POST', body: new TextEncoder().encode('{"items":[]}') })
    await expectProblem(res, 415)
  })

  it('accepts application/json with a charset', async () => {
    const res = await api('/api/cart/quote', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json; charset=utf-8' },
      body: JSON.stringify({ items: [{ productId: 'NOPE', quantity: 1 }] }),
    })
    await expectProblem(res, 422)
  })

  it('answers schema violations with 400 and an errors array naming each bad field', async () => {
    const problem = await expectProblem(
      await postJson('/api/cart/quote', {
        items: [
          { productId: 'ok', quantity: 0 },
          { productId: 'bad id', quantity: 1 },
        ],
      }),
      400,
    )
    expect(problem.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ in: 'body', field: 'items.0.quantity' }),
        expect.objectContaining({ in: 'body', field: 'items.1.productId' }),
      ]),
    )
  })

  it('answers a body over 64 KiB with 413', async () => {
    const big = JSON.stringify({ items: [{ productId: 'A', quantity: 1 }], pad: 'x'.repeat(70 * 1024) })
    const problem = await expectProblem(await postJson('/api/cart/quote', big), 413)
    expect(problem.type).toBe('/problems/payload-too-large')
  })

  it('answers a chunked body over 64 KiB without Content-Length with 413', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(16 * 1024))
    let sent = 0
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 6) controller.enqueue(chunk)
        else controller.close()
      },
    })
    const res = await api('/api/orders', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body })
    await expectProblem(res, 413)
  })
})

describe('API description', () => {
  it('serves an OpenAPI 3.1 document generated from the routes', async () => {
    const res = await api('/openapi.json')
    if (res.status !== 200) throw new Error(await res.text())
    const doc = (await res.json()) as { openapi: string; paths: Record<string, Record<string, unknown>> }
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/healthz',
        '/api/products',
        '/api/products/{id}',
        '/api/cart/quote',
        '/api/orders',
        '/api/orders/create',
        '/api/orders/{id}',
      ]),
    )
    expect(doc.paths['/api/orders']?.post).toBeDefined()
  })

  it('serves an interactive page at /docs', async () => {
    const res = await api('/docs')
    expect(res.status).toBe(200)
    expect(res.headers.get('Content-Type')).toContain('text/html')
    expect(await res.text()).toContain('/openapi.json')
  })
})
