// WebAuthn carries ECDSA signatures as an ASN.1 DER SEQUENCE of the two INTEGERs r and s (WebAuthn
// Level 3 §6.5.5); Web Crypto verifies them as r‖s, each left-padded to the curve's size. Written here
// rather than taken from @oslojs/crypto/ecdsa, whose decoder turns both into bigints for its own
// pure-JS verification: the conversion is a few bytes of slicing (docs/passkeys.md, "Cost").

/** One DER TLV at `offset`: its tag, value and the offset after it; null when it does not fit. */
function readTlv(der: Uint8Array, offset: number) {
  const tag = der[offset];
  let length = der[offset + 1];
  let start = offset + 2;
  if (tag === undefined || length === undefined) return null;
  if (length === 0x81) {
    // The long form, for a body of 128 to 255 bytes (a P-521 signature's SEQUENCE).
    length = der[offset + 2];
    start = offset + 3;
    if (length === undefined || length < 0x80) return null;
  } else if (length > 0x80) {
    return null;
  }
  const end = start + length;
  if (end > der.length) return null;
  return { tag, value: der.subarray(start, end), end };
}

/**
 * An INTEGER's bytes as exactly `size` bytes: shorter ones (leading zeros dropped) are padded, and the
 * one zero byte DER puts before a value whose top bit is set is removed.
 */
function fixedSize(integer: Uint8Array, size: number): Uint8Array | null {
  if (integer.length === size) return integer;
  if (integer.length > 0 && integer.length < size) {
    const padded = new Uint8Array(size);
    padded.set(integer, size - integer.length);
    return padded;
  }
  if (integer.length === size + 1 && integer[0] === 0 && ((integer[1] as number) & 0x80) !== 0) {
    return integer.subarray(1);
  }
  return null;
}

/** r‖s of a DER ECDSA signature for a curve of `size`-byte scalars (32 for P-256); null when malformed. */
export function ecdsaDerToRaw(der: Uint8Array, size: number): Uint8Array | null {
  const sequence = readTlv(der, 0);
  if (sequence === null || sequence.tag !== 0x30 || sequence.end !== der.length) return null;
  const body = sequence.value;
  const r = readTlv(body, 0);
  if (r === null || r.tag !== 0x02) return null;
  const s = readTlv(body, r.end);
  if (s === null || s.tag !== 0x02 || s.end !== body.length) return null;
  const rBytes = fixedSize(r.value, size);
  const sBytes = fixedSize(s.value, size);
  if (rBytes === null || sBytes === null) return null;
  const raw = new Uint8Array(size * 2);
  raw.set(rBytes, 0);
  raw.set(sBytes, size);
  return raw;
}
