import { beforeAll, describe, expect, it } from 'vitest'
import { adminJson, api, postJson, putProducts, sendJson } from './helpers'

const SECURE = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
}

function expectSecureHeaders(res: Response, { csp = true } = {}) {
  for (const [name, value] of Object.entries(SECURE)) expect(res.headers.get(name), name).toBe(value)
  expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d+/)
  if (csp) expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'.*frame-ancestors 'none'/)
  expect(res.headers.get('x-powered-by')).toBeNull()
}

beforeAll(async () => {
  await putProducts([{ id: 'SEC-1', priceCents: 100, stock: 100 }])
})

describe('secure headers on every response', () => {
  it.each([
    ['a catalog read', () => api('/api/products/SEC-1'), 200],
    ['a quote', () => postJson('/api/cart/quote', { items: [{ productId: 'SEC-1', quantity: 1 }] }), 200],
    ['an order', () => postJson('/api/orders', { items: [{ productId: 'SEC-1', quantity: 1 }] }), 201],
    ['an admin write', () => adminJson('PATCH', '/api/products/SEC-1', { stock: 100 }), 200],
    ['a 400 problem', () => postJson('/api/cart/quote', '{'), 400],
    ['a 401 problem', () => sendJson('PUT', '/api/products/SEC-1', {}), 401],
    ['a 404 problem', () => api('/api/nowhere'), 404],
    ['a 413 problem', () => postJson('/api/cart/quote', 'x'.repeat(70_000)), 413],
    [
      'a 415 problem',
      () => api('/api/orders', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: '{}' }),
      415,
    ],
    [
      'a CORS preflight',
      () =>
        api('/api/orders', {
          method: 'OPTIONS',
          headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST' },
        }),
      204,
    ],
    ['the health check', () => api('/healthz'), 200],
    ['the OpenAPI document', () => api('/openapi.json'), 200],
  ])('%s', async (_, call, status) => {
    const res = await call()
    expect(res.status).toBe(status)
    expectSecureHeaders(res)
  })

  it('the interactive /docs page gets them too, without the CSP that would block its CDN scripts', async () => {
    const res = await api('/docs')
    expect(res.status).toBe(200)
    expectSecureHeaders(res, { csp: false })
    expect(res.headers.get('content-security-policy')).toBeNull()
  })
})
