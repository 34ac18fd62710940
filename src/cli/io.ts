/** What flow-audit reads and writes through (injected by tests), and how it speaks on stderr. */
import type { Dispatcher } from "undici";
import { redact } from "../api/errors";
import { terminalSafe } from "../api/ingest";

/** A stream reports are written to; `write` must call its callback (with an error when the write failed), as Node streams do. */
export interface ReportSink {
  write(s: string, done: (e?: Error | null) => void): unknown;
}

/** Standard output: a report sink that may be a terminal. */
export type Stdout = ReportSink & { isTTY?: boolean; columns?: number };

/** Where flow-audit reads and writes (injected by tests; process streams by default). */
export interface AuditIO {
  env: NodeJS.ProcessEnv;
  /** Where reports go (see ReportSink). */
  stdout: Stdout;
  stderr: { write(s: string): unknown; isTTY?: boolean };
  cwd: string;
  /** The undici dispatcher requests go through (tests; default: the client's shared Agent). */
  dispatcher?: Dispatcher;
  now?: () => Date;
  /** Called once the read is complete, before the evaluation (the bin: a full garbage collection, see heap.ts). */
  afterRead?: () => void;
}

/** Says something on stderr (one message, possibly of several lines). */
export type Say = (s: string) => void;

/** Messages on stderr: the token redacted, each line terminal-safe (the line breaks of our own messages stay). */
export function sayTo(io: Pick<AuditIO, "env" | "stderr">): Say {
  return (s) => io.stderr.write(`${safeLines(redact(s, io.env.FLOW_API_TOKEN))}\n`);
}

function safeLines(text: string): string {
  return text.split("\n").map(terminalSafe).join("\n");
}
