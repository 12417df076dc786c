// Line armor for noisy byte streams (docs/shim-protocol.md, "Armor"): `<json>\t<crc32>`.
// Platform neutral: CRC-32 (IEEE, as zlib) over UTF-8 bytes computed without TextEncoder.

const CRC_TABLE = buildCrcTable();

function buildCrcTable() {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) {
      c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    }
    table[n] = c >>> 0;
  }
  return table;
}

/** Call `sink(byte)` for every UTF-8 byte of `text` (lone surrogates become U+FFFD, as encoders do). */
function forEachUtf8Byte(text, sink) {
  for (let i = 0; i < text.length; i += 1) {
    let cp = text.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
        i += 1;
      }
    }
    if (cp >= 0xd800 && cp <= 0xdfff) {
      cp = 0xfffd;
    }
    if (cp < 0x80) {
      sink(cp);
    } else if (cp < 0x800) {
      sink(0xc0 | (cp >> 6));
      sink(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
      sink(0xe0 | (cp >> 12));
      sink(0x80 | ((cp >> 6) & 0x3f));
      sink(0x80 | (cp & 0x3f));
    } else {
      sink(0xf0 | (cp >> 18));
      sink(0x80 | ((cp >> 12) & 0x3f));
      sink(0x80 | ((cp >> 6) & 0x3f));
      sink(0x80 | (cp & 0x3f));
    }
  }
}

/** CRC-32 (IEEE 802.3, zlib's crc32) of the UTF-8 encoding of `text`, as an unsigned integer. */
export function crc32Utf8(text) {
  let crc = 0xffffffff;
  forEachUtf8Byte(text, (byte) => {
    crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  });
  return (crc ^ 0xffffffff) >>> 0;
}

/** Number of bytes in the UTF-8 encoding of `text`. */
export function utf8Length(text) {
  let n = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      n += 1;
    } else if (c < 0x800) {
      n += 2;
    } else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        n += 4;
        i += 1;
      } else {
        n += 3;
      }
    } else {
      n += 3;
    }
  }
  return n;
}

// A `[` that would start something the host's kernel-log filter takes for a printk line
// (`[  12.345678] text`). Compact JSON only has such text inside strings, where `\u005b` is the
// same character, so escaping it keeps the value and keeps the filter off our lines.
const PRINTK_LOOKALIKE = /\[(?= *[0-9]+\.[0-9]+\] )/g;

/** Armor one compact JSON line (no newline): `<json>\t<8 hex digits of CRC-32>`. */
export function armorLine(json) {
  const safe = json.replace(PRINTK_LOOKALIKE, '\\u005b');
  return `${safe}\t${crc32Utf8(safe).toString(16).padStart(8, '0')}`;
}
