import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import { AppError, type ErrorCode, type FieldError } from '../domain/errors'

interface ProblemType {
  status: ContentfulStatusCode
  slug: string
  title: string
}

/** The one mapping from error codes to HTTP: status, problem type and title. */
export const PROBLEM_TYPES: Record<ErrorCode, ProblemType> = {
  'REQUEST.VALIDATION': { status: 400, slug: 'validation-error', title: 'The request is not valid' },
  'REQUEST.MALFORMED_JSON': { status: 400, slug: 'malformed-json', title: 'The request body is not valid JSON' },
  'REQUEST.UNSUPPORTED_MEDIA_TYPE': { status: 415, slug: 'unsupported-media-type', title: 'Unsupported media type' },
  'REQUEST.TOO_LARGE': { status: 413, slug: 'payload-too-large', title: 'The request body is too large' },
  'REQUEST.NOT_FOUND': { status: 404, slug: 'not-found', title: 'Not found' },
  'REQUEST.METHOD_NOT_ALLOWED': { status: 405, slug: 'method-not-allowed', title: 'Method not allowed' },
  'AUTH.UNAUTHORIZED': { status: 401, slug: 'unauthorized', title: 'Authentication required' },
  'RATE.LIMITED': { status: 429, slug: 'rate-limited', title: 'Too many requests' },
  'CART.MISSING_PRODUCTS': { status: 422, slug: 'missing-products', title: 'Some products are unknown or inactive' },
  'CART.TOTAL_TOO_LARGE': { status: 422, slug: 'total-too-large', title: 'The cart total is too large' },
  'ORDER.INSUFFICIENT_STOCK': { status: 409, slug: 'insufficient-stock', title: 'Not enough stock' },
  'ORDER.PRICE_CHANGED': { status: 409, slug: 'price-changed', title: 'Prices changed during checkout' },
  'ORDER.NOT_FOUND': { status: 404, slug: 'order-not-found', title: 'Order not found' },
  'PRODUCT.NOT_FOUND': { status: 404, slug: 'product-not-found', title: 'Product not found' },
  'IDEMPOTENCY.KEY_REUSED': {
    status: 422,
    slug: 'idempotency-key-reused',
    title: 'Idempotency-Key reused with a different request',
  },
  'SERVICE.UNAVAILABLE': { status: 503, slug: 'service-unavailable', title: 'Service unavailable' },
  INTERNAL: { status: 500, slug: 'internal-error', title: 'Internal server error' },
}

/** Problem type URIs are relative references (RFC 9457 3.1.1), resolved against the API's origin. */
export const problemTypeUri = (code: ErrorCode): string => `/problems/${PROBLEM_TYPES[code].slug}`

export const PROBLEM_CONTENT_TYPE = 'application/problem+json'

export function problemResponse(c: Context, error: AppError): Response {
  const type = PROBLEM_TYPES[error.code]
  const body = {
    type: problemTypeUri(error.code),
    title: type.title,
    status: type.status,
    detail: error.message,
    instance: c.req.path,
    ...error.extensions,
  }
  const headers: Record<string, string> = { 'Content-Type': PROBLEM_CONTENT_TYPE, ...error.headers }
  return c.body(JSON.stringify(body), type.status, headers)
}

/** Turns anything thrown into an AppError; unknown errors become a generic 500 (logged by the caller). */
export function toAppError(error: unknown): { appError: AppError; unexpected: boolean } {
  if (error instanceof AppError) return { appError: error, unexpected: false }
  if (error instanceof HTTPException) {
    const code = httpExceptionCode(error)
    if (code) return { appError: new AppError(code, httpExceptionDetail(code, error)), unexpected: false }
  }
  return {
    appError: new AppError('INTERNAL', 'The server could not complete the request. It has been logged.'),
    unexpected: true,
  }
}

function httpExceptionCode(error: HTTPException): ErrorCode | null {
  switch (error.status) {
    case 400:
      return /json/i.test(error.message) ? 'REQUEST.MALFORMED_JSON' : 'REQUEST.VALIDATION'
    case 401:
      return 'AUTH.UNAUTHORIZED'
    case 404:
      return 'REQUEST.NOT_FOUND'
    case 413:
      return 'REQUEST.TOO_LARGE'
    case 415:
      return 'REQUEST.UNSUPPORTED_MEDIA_TYPE'
    default:
      return null
  }
}

function httpExceptionDetail(code: ErrorCode, error: HTTPException): string {
  switch (code) {
    case 'REQUEST.MALFORMED_JSON':
      return 'The request body could not be parsed as JSON.'
    case 'REQUEST.UNSUPPORTED_MEDIA_TYPE':
      return 'This endpoint accepts only application/json request bodies.'
    case 'REQUEST.TOO_LARGE':
      return 'The request body exceeds the 64 KiB limit.'
    default:
      return error.message || PROBLEM_TYPES[code].title
  }
}

/** A 400 naming each bad field; the validation hook and hand-written checks both use it. */
export function validationError(errors: FieldError[]): AppError {
  const first = errors[0]
  const detail =
    errors.length === 1 && first
      ? `${first.field ? `${first.field}: ` : ''}${first.detail}`
      : `${errors.length} fields are invalid; see "errors".`
  return new AppError('REQUEST.VALIDATION', detail, { errors })
}
