/**
 * Turning a JSON file's bytes into a value, with messages a user can act on: the encoding problem
 * and its byte offset, or the syntax error with its line and column. Node's own `JSON.parse`
 * messages differ between versions and often carry no position, so a small scanner locates the
 * error instead.
 */

/** A file that is not UTF-8 JSON; the message says what and where. */
export class JsonTextError extends Error {
  constructor(
    message: string,
    /** Byte offset in the file, when the problem has one. */
    readonly byteOffset?: number,
  ) {
    super(message);
    this.name = 'JsonTextError';
  }
}

const BOMS: readonly { bytes: readonly number[]; name: string }[] = [
  // UTF-32 first: its little-endian mark starts with UTF-16's.
  { bytes: [0xff, 0xfe, 0x00, 0x00], name: 'UTF-32 (little-endian)' },
  { bytes: [0x00, 0x00, 0xfe, 0xff], name: 'UTF-32 (big-endian)' },
  { bytes: [0xff, 0xfe], name: 'UTF-16 (little-endian)' },
  { bytes: [0xfe, 0xff], name: 'UTF-16 (big-endian)' },
];

function startsWith(b: Uint8Array, prefix: readonly number[]): boolean {
  return b.length >= prefix.length && prefix.every((x, i) => b[i] === x);
}

/**
 * Offset of the first byte that does not start or continue a well-formed UTF-8 sequence (the
 * Unicode standard's table 3-7: no overlongs, no surrogates, nothing above U+10FFFF), or -1.
 */
export function firstInvalidUtf8(b: Uint8Array, from = 0): number {
  let i = from;
  while (i < b.length) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined) return i;
      if (k === 1 ? d < lo || d > hi : d < 0x80 || d > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}

/** 1-based line and column (in characters) of a UTF-16 offset in `text`. */
export function lineAndColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: [...text.slice(lineStart, pos)].length + 1 };
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * Finds the first JSON syntax error (RFC 8259) in `text`: its UTF-16 offset and what was wrong.
 * Iterative, so nesting depth cannot overflow the stack. Returns undefined for valid JSON.
 */
export function findJsonSyntaxError(text: string): { pos: number; message: string } | undefined {
  let i = 0;
  const n = text.length;
  const stack: ('[' | '{')[] = [];
  const err = (message: string, pos = i) => ({ pos, message });
  const skipWs = () => {
    while (i < n && WS.has(text.charCodeAt(i))) i++;
  };
  const describe = (pos: number) => (pos >= n ? 'end of input' : `${JSON.stringify(text[pos])}`);

  // Scans one string starting at the opening quote; returns an error or undefined.
  const scanString = () => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return undefined;
      }
      if (c < 0x20) return err('control character in a string (escape it, e.g. \\n)');
      if (c === 0x5c) {
        const e = text[i + 1];
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
            return err('bad \\u escape (needs four hex digits)');
          i += 6;
        } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i += 2;
        else return err(`bad escape \\${e ?? ''}`);
      } else i++;
    }
    return err('unterminated string', n);
  };
  const NUMBER_RE = /-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/y;

  // Scans a value; containers push onto the stack and return.
  const scanValue = () => {
    skipWs();
    const ch = text[i];
    if (ch === '{' || ch === '[') {
      stack.push(ch);
      i++;
      skipWs();
      if (text[i] === (ch === '{' ? '}' : ']')) {
        stack.pop();
        i++;
        return 'closed' as const;
      }
      return ch === '{' ? ('key' as const) : ('value' as const);
    }
    if (ch === '"') return scanString() ?? ('done' as const);
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) {
        i += lit.length;
        return 'done' as const;
      }
    }
    NUMBER_RE.lastIndex = i;
    const m = NUMBER_RE.exec(text);
    if (m && m[0].length > 0 && ch !== undefined && /[-0-9]/.test(ch)) {
      i += m[0].length;
      return 'done' as const;
    }
    return err(`unexpected ${describe(i)} where a value should start`);
  };

  let next: 'value' | 'key' | 'after' = 'value';
  for (;;) {
    if (next === 'key') {
      skipWs();
      if (text[i] !== '"')
        return err(`expected a property name in double quotes, found ${describe(i)}`);
      const e = scanString();
      if (e) return e;
      skipWs();
      if (text[i] !== ':') return err(`expected ':' after a property name, found ${describe(i)}`);
      i++;
      next = 'value';
      continue;
    }
    if (next === 'value') {
      const r = scanValue();
      if (typeof r === 'object') return r;
      if (r === 'key') next = 'key';
      else if (r === 'value') next = 'value';
      else next = 'after';
      continue;
    }
    // after a complete value
    skipWs();
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (i < n) return err(`unexpected ${describe(i)} after the end of the document`);
      return undefined;
    }
    const close = top === '{' ? '}' : ']';
    if (text[i] === ',') {
      i++;
      next = top === '{' ? 'key' : 'value';
      if (top === '[') {
        skipWs();
        if (text[i] === ']') return err("unexpected ']' after ',' (trailing comma)");
      } else {
        skipWs();
        if (text[i] === '}') return err("unexpected '}' after ',' (trailing comma)");
      }
    } else if (text[i] === close) {
      stack.pop();
      i++;
    } else {
      return err(
        `expected ',' or '${close}' ${top === '{' ? 'after a property value' : 'after an array element'}, found ${describe(i)}`,
      );
    }
  }
}

/**
 * Decodes a JSON file's bytes (UTF-8, with or without a byte-order mark) and parses it.
 *
 * @throws JsonTextError for another encoding, invalid UTF-8 (with the byte offset) or a syntax
 *   error (with line and column).
 */
export function decodeJsonText(bytes: Uint8Array): unknown {
  for (const bom of BOMS) {
    if (startsWith(bytes, bom.bytes))
      throw new JsonTextError(
        `must be UTF-8: it is ${bom.name} (byte-order mark at byte 0); save it as UTF-8`,
        0,
      );
  }
  let start = 0;
  if (startsWith(bytes, [0xef, 0xbb, 0xbf])) start = 3;
  // JSON text starts with an ASCII character, so a NUL among the first bytes means a
  // UTF-16/UTF-32 file without a byte-order mark.
  const nul = bytes.subarray(start, start + 4).indexOf(0);
  if (nul >= 0)
    throw new JsonTextError(
      `must be UTF-8: byte ${start + nul} is 0x00, so it looks UTF-16 or UTF-32 encoded; save it as UTF-8`,
      start + nul,
    );
  const bad = firstInvalidUtf8(bytes, start);
  if (bad >= 0)
    throw new JsonTextError(
      `must be UTF-8: invalid UTF-8 at byte ${bad} (0x${bytes[bad]!.toString(16).padStart(2, '0')}); save it as UTF-8`,
      bad,
    );
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, bytes.length - start).toString(
    'utf8',
  );
  try {
    return JSON.parse(text);
  } catch (e) {
    const found = findJsonSyntaxError(text);
    if (!found) throw e;
    const { line, column } = lineAndColumn(text, found.pos);
    throw new JsonTextError(
      `must be valid JSON: ${found.message} at line ${line} column ${column}`,
      start + Buffer.byteLength(text.slice(0, found.pos), 'utf8'),
    );
  }
}

/**
 * Nesting depth of a parsed JSON value (a scalar is 0, `[]` is 1), counted without recursion and
 * stopping once `limit` is passed (returning limit + 1).
 */
export function maxJsonDepth(value: unknown, limit: number): number {
  let max = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [v, d] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    const depth = d + 1;
    if (depth > max) max = depth;
    if (max > limit) return limit + 1;
    const children = Array.isArray(v) ? v : Object.values(v);
    for (const c of children) if (typeof c === 'object' && c !== null) stack.push([c, depth]);
  }
  return max;
}
