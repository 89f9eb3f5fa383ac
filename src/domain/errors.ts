/**
 * The one error family. Domain and service code throw `AppError` with a stable code; the HTTP
 * layer (src/http/problem.ts) alone decides status codes and the problem+json shape.
 */
export type ErrorCode =
  | 'REQUEST.VALIDATION'
  | 'REQUEST.MALFORMED_JSON'
  | 'REQUEST.UNSUPPORTED_MEDIA_TYPE'
  | 'REQUEST.TOO_LARGE'
  | 'REQUEST.NOT_FOUND'
  | 'REQUEST.METHOD_NOT_ALLOWED'
  | 'AUTH.UNAUTHORIZED'
  | 'RATE.LIMITED'
  | 'CART.MISSING_PRODUCTS'
  | 'CART.TOTAL_TOO_LARGE'
  | 'ORDER.INSUFFICIENT_STOCK'
  | 'ORDER.PRICE_CHANGED'
  | 'ORDER.NOT_FOUND'
  | 'PRODUCT.NOT_FOUND'
  | 'IDEMPOTENCY.KEY_REUSED'
  | 'SERVICE.UNAVAILABLE'
  | 'INTERNAL'

export interface FieldError {
  /** Where the bad value is: `body`, `query`, `path` or `header`. */
  in: string
  /** Dotted path of the field, e.g. `items.3.quantity`; empty for the whole body. */
  field: string
  detail: string
}

export class AppError extends Error {
  override readonly name = 'AppError'
  constructor(
    readonly code: ErrorCode,
    detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(detail)
  }
}

export interface InsufficientStockLine {
  productId: string
  requested: number
  available: number
}
