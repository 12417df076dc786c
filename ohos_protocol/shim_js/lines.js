// Splits decoded text chunks into lines for the entries. Platform neutral.

import { utf8Length } from './armor.js';

export const MAX_LINE_BYTES = 16 * 1024 * 1024;

/** A line that grew past the limit without a newline. */
export class LineTooLong extends Error {}

/** Collects text chunks and hands out complete lines (without `\n` or a trailing `\r`). */
export class LineBuffer {
  constructor(maxBytes = MAX_LINE_BYTES) {
    this.maxBytes = maxBytes;
    this.parts = [];
    this.pendingBytes = 0;
  }

  /** Add a chunk; returns the lines it completed. Throws LineTooLong past the limit. */
  push(chunk) {
    const lines = [];
    let start = 0;
    let nl = chunk.indexOf('\n');
    while (nl !== -1) {
      const tail = chunk.slice(start, nl);
      this.pendingBytes += utf8Length(tail);
      this.checkLimit();
      this.parts.push(tail);
      let line = this.parts.join('');
      this.parts = [];
      this.pendingBytes = 0;
      if (line.endsWith('\r')) {
        line = line.slice(0, -1);
      }
      lines.push(line);
      start = nl + 1;
      nl = chunk.indexOf('\n', start);
    }
    if (start < chunk.length) {
      const rest = chunk.slice(start);
      this.pendingBytes += utf8Length(rest);
      this.parts.push(rest);
    }
    this.checkLimit();
    return lines;
  }

  checkLimit() {
    if (this.pendingBytes > this.maxBytes) {
      this.parts = [];
      this.pendingBytes = 0;
      throw new LineTooLong(`line longer than ${this.maxBytes} bytes`);
    }
  }
}
