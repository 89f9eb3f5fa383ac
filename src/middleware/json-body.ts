import type { MiddlewareHandler } from 'hono'
import { AppError } from '../domain/errors'
import { validationError } from '../http/problem'
import type { AppEnv } from '../http/types'

/** The JSON media types a JSON route accepts (the same test the route's own media-type gate applies). */
const JSON_CONTENT_TYPE = /^application\/([a-z-.]+\+)?json(;\s*[a-zA-Z0-9-]+=([^;]+))*$/i

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false })

/**
 * Reads a JSON request body strictly, before the route validates it, so that every bad body is a
 * 4xx problem that names what is wrong:
 * - a body that is not JSON (or no Content-Type with a body): 415;
 * - an empty body: 400 malformed-json;
 * - bytes that are not UTF-8 (RFC 8259 requires it): 400 malformed-json, never silently replaced;
 * - malformed JSON: 400 malformed-json;
 * - an object with the same key twice (`JSON.parse` would silently keep the last one): 400
 *   validation naming the key. Ambiguous bodies are refused rather than guessed at.
 * The parsed value is handed to the route's validator through Hono's body cache (parsed once).
 * Runs after `bodyLimit`, so at most 64 KiB is ever read.
 *
 * @example
 * app.on('POST', '/api/cart/quote', jsonBody())
 */
export function jsonBody(): MiddlewareHandler<AppEnv> {
  return async function jsonBody(c, next) {
    const contentType = c.req.header('Content-Type')
    if (contentType !== undefined && !JSON_CONTENT_TYPE.test(contentType.trim())) {
      throw unsupportedMediaType()
    }
    const bytes = new Uint8Array(await c.req.arrayBuffer())
    if (contentType === undefined && bytes.byteLength > 0) throw unsupportedMediaType()
    if (bytes.byteLength === 0) {
      throw new AppError('REQUEST.MALFORMED_JSON', 'The request body is empty: send a JSON object.')
    }
    let text: string
    try {
      text = utf8.decode(bytes)
    } catch {
      throw new AppError('REQUEST.MALFORMED_JSON', 'The request body is not valid UTF-8.')
    }
    let value: unknown
    try {
      value = JSON.parse(text)
    } catch {
      throw new AppError('REQUEST.MALFORMED_JSON', 'The request body could not be parsed as JSON.')
    }
    const duplicate = findDuplicateKey(text)
    if (duplicate !== null) {
      throw validationError([
        { in: 'body', field: duplicate, detail: 'appears more than once in the same object; send each key once' },
      ])
    }
    c.req.bodyCache.json = Promise.resolve(value)
    await next()
  }
}

const unsupportedMediaType = (): AppError =>
  new AppError('REQUEST.UNSUPPORTED_MEDIA_TYPE', 'This endpoint accepts only application/json request bodies.')

type Frame = { object: true; keys: Set<string>; key: string; expectKey: boolean } | { object: false; index: number }

/**
 * The dotted path of the first key that occurs twice in one object of a JSON text, or null.
 * Expects text that `JSON.parse` accepted. One pass, no recursion (any nesting depth is safe);
 * keys are compared after unescaping, so `"a"` and `"\u0061"` are the same key.
 *
 * @example
 * findDuplicateKey('{"items":[{"productId":"A","quantity":1,"quantity":5}]}') // => 'items.0.quantity'
 * findDuplicateKey('{"a":1,"b":{"a":2}}')                                      // => null
 */
export function findDuplicateKey(text: string): string | null {
  const stack: Frame[] = []
  const length = text.length
  let i = 0
  while (i < length) {
    const ch = text.charCodeAt(i)
    if (ch === 0x22 /* " */) {
      let end = i + 1
      let escaped = false
      for (;;) {
        const next = text.charCodeAt(end)
        if (next === 0x5c /* \ */) {
          escaped = true
          end += 2
        } else if (next === 0x22 || Number.isNaN(next)) {
          break
        } else {
          end++
        }
      }
      const top = stack.at(-1)
      if (top?.object && top.expectKey) {
        const key = escaped ? (JSON.parse(text.slice(i, end + 1)) as string) : text.slice(i + 1, end)
        if (top.keys.has(key)) return [...stack.slice(0, -1).map(pathSegment), key].join('.')
        top.keys.add(key)
        top.key = key
        top.expectKey = false
      }
      i = end + 1
      continue
    }
    if (ch === 0x7b /* { */) stack.push({ object: true, keys: new Set(), key: '', expectKey: true })
    else if (ch === 0x5b /* [ */) stack.push({ object: false, index: 0 })
    else if (ch === 0x7d /* } */ || ch === 0x5d /* ] */) stack.pop()
    else if (ch === 0x2c /* , */) {
      const top = stack.at(-1)
      if (top?.object) top.expectKey = true
      else if (top) top.index++
    }
    i++
  }
  return null
}

const pathSegment = (frame: Frame): string => (frame.object ? frame.key : String(frame.index))
