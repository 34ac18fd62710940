/**
 * The one way pulumi-flow reads a file it was pointed at (policy file, baseline, snapshots,
 * history): only a regular file, and never more than a cap, counted while reading. A FIFO, a
 * device such as /dev/zero, a socket or a directory is refused before a byte is read (their
 * stat size is 0, so a size check alone would let them hang a run or grow it without bound),
 * and a file that grows past the cap while it is read is refused once the cap is passed.
 */
import { createHash } from "node:crypto";
import * as fs from "node:fs";

/** Bytes asked for per read once the file turns out larger than its stat size said. */
const CHUNK = 1024 * 1024;

/** Why a file could not be read: not a regular file, over its cap, or an I/O error (`code`). */
export class FileReadError extends Error {
  constructor(
    readonly file: string,
    readonly reason: "not-regular" | "too-large" | "unreadable",
    /** What is wrong, without the file name: "is a FIFO, not a regular file". */
    readonly problem: string,
    /** The system error code of an unreadable file (ENOENT, EACCES…). */
    readonly code?: string,
  ) {
    super(`${file}: ${problem}`);
    this.name = "FileReadError";
  }
}

/** What kind of file a stat describes, in words ("a FIFO", "a character device"…). */
export function fileKind(st: fs.Stats): string {
  if (st.isFile()) return "a regular file";
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a file of a known kind";
}

function notRegular(file: string, st: fs.Stats): FileReadError {
  return new FileReadError(file, "not-regular", `is ${fileKind(st)}, not a regular file`);
}

function tooLarge(file: string, maxBytes: number): FileReadError {
  return new FileReadError(file, "too-large", `is larger than ${maxBytes} bytes`);
}

function unreadable(file: string, e: unknown): FileReadError {
  const code = (e as NodeJS.ErrnoException).code;
  return new FileReadError(file, "unreadable", `cannot be read (${code ?? (e as Error).message})`, code);
}

/**
 * Reads a regular file of at most `maxBytes` bytes. Throws FileReadError (naming the file) for
 * anything else. Symbolic links are followed; what they point at must be a regular file.
 */
export function readRegularFile(file: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    // Refuse special files before opening them (opening a device can have effects of its own).
    const st = fs.statSync(file);
    if (!st.isFile()) throw notRegular(file, st);
    // O_NONBLOCK: should the path have been swapped for a FIFO since, opening it does not wait for a writer.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK | fs.constants.O_NOCTTY);
  } catch (e) {
    throw e instanceof FileReadError ? e : unreadable(file, e);
  }
  try {
    const st = fs.fstatSync(fd);
    if (!st.isFile()) throw notRegular(file, st);
    if (st.size > maxBytes) throw tooLarge(file, maxBytes);
    return readAll(fd, file, st.size, maxBytes);
  } catch (e) {
    throw e instanceof FileReadError ? e : unreadable(file, e);
  } finally {
    fs.closeSync(fd);
  }
}

/** Reads to the end of `fd`, refusing as soon as more than `maxBytes` arrived (a file can grow while it is read). */
function readAll(fd: number, file: string, expected: number, maxBytes: number): Buffer {
  // One byte more than expected, so that the end of the file is seen without a second buffer.
  let buf = Buffer.allocUnsafe(Math.min(expected, maxBytes) + 1);
  let total = 0;
  for (;;) {
    if (total === buf.length) {
      const grown = Buffer.allocUnsafe(Math.min(buf.length + Math.max(buf.length, CHUNK), maxBytes + 1));
      buf.copy(grown, 0, 0, total);
      buf = grown;
    }
    const n = fs.readSync(fd, buf, total, buf.length - total, null);
    if (n === 0) return buf.subarray(0, total);
    total += n;
    if (total > maxBytes) throw tooLarge(file, maxBytes);
  }
}

/**
 * `sha256:<hex>` of a file's content, as reports record the policy file and the baseline in
 * force: of its bytes, or of text as its UTF-8 bytes (the same for a UTF-8 file read as text).
 */
export function contentDigest(content: string | Uint8Array): string {
  return `sha256:${createHash("sha256").update(content).digest("hex")}`;
}

/** Reads a regular file of at most `maxBytes` bytes as UTF-8 text (see readRegularFile). */
export function readTextFile(file: string, maxBytes: number): string {
  return readRegularFile(file, maxBytes).toString("utf8");
}
