import { encodeBase64url } from './base64url';

/**
 * A random identifier, base64url: session ids, token ids (`jti`), device ids. 16 bytes (22 characters,
 * 128 bits) cannot be guessed or collide.
 */
export function randomId(bytes = 16): string {
  return encodeBase64url(crypto.getRandomValues(new Uint8Array(bytes)));
}
