import { PRODUCT_ID_PATTERN } from '../config'

const PREFIX = 'p1:'

/** Opaque pagination cursor: base64url of a versioned prefix and the last id of the page. */
export function encodeCursor(lastId: string): string {
  return btoa(PREFIX + lastId)
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '')
}

/** The id to continue after, or null when the cursor is not one this API issued. */
export function decodeCursor(cursor: string): string | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null
  let decoded: string
  try {
    decoded = atob(cursor.replaceAll('-', '+').replaceAll('_', '/'))
  } catch {
    return null
  }
  if (!decoded.startsWith(PREFIX)) return null
  const id = decoded.slice(PREFIX.length)
  return PRODUCT_ID_PATTERN.test(id) ? id : null
}
