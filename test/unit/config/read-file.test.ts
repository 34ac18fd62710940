import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileReadError, readRegularFile, readTextFile } from "../../../src/config/read-file";

// FIFOs need mkfifo (a child process): they are tested through flow-audit in
// test/integration/cli/special-files.test.ts.
describe("readRegularFile (src/config/read-file.ts)", () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "read-file-"));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const refusal = (file: string, max = 1024) => {
    try {
      readRegularFile(file, max);
    } catch (e) {
      expect(e).toBeInstanceOf(FileReadError);
      return (e as FileReadError).message;
    }
    return "read";
  };

  it("reads a regular file, and one behind a symbolic link, up to and including the cap", () => {
    fs.writeFileSync(path.join(dir, "f.json"), "0123456789");
    fs.symlinkSync(path.join(dir, "f.json"), path.join(dir, "link.json"));
    expect(readTextFile(path.join(dir, "f.json"), 10)).toBe("0123456789");
    expect(readTextFile(path.join(dir, "link.json"), 10)).toBe("0123456789");
    expect(readTextFile(path.join(dir, "f.json"), 1_000_000)).toBe("0123456789");
    fs.writeFileSync(path.join(dir, "empty.json"), "");
    expect(readTextFile(path.join(dir, "empty.json"), 0)).toBe("");
  });

  it("refuses a file over the cap, naming it and the cap", () => {
    fs.writeFileSync(path.join(dir, "f.json"), "0123456789!");
    expect(refusal(path.join(dir, "f.json"), 10)).toBe(`${path.join(dir, "f.json")}: is larger than 10 bytes`);
  });

  it("enforces the cap while reading, not from the stat size (a file whose stat size is 0 but that has content)", () => {
    // /proc files are regular files that stat as 0 bytes: what a file growing after fstat looks like.
    const status = "/proc/self/status";
    expect(fs.statSync(status).size).toBe(0);
    expect(refusal(status, 100)).toBe(`${status}: is larger than 100 bytes`);
    expect(readTextFile(status, 1024 * 1024)).toMatch(/^Name:/);
  });

  it("refuses a symbolic link to /dev/zero (a character device) without reading from it", () => {
    fs.symlinkSync("/dev/zero", path.join(dir, "zero.json"));
    expect(refusal(path.join(dir, "zero.json"))).toBe(`${path.join(dir, "zero.json")}: is a character device, not a regular file`);
    expect(refusal("/dev/null")).toBe("/dev/null: is a character device, not a regular file");
  });

  it("refuses a directory and a socket, naming the kind", async () => {
    expect(refusal(dir)).toBe(`${dir}: is a directory, not a regular file`);
    const sock = path.join(dir, "s.sock");
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(sock, resolve));
    try {
      expect(refusal(sock)).toBe(`${sock}: is a socket, not a regular file`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("reports a missing or unreadable file with its error code", () => {
    const missing = path.join(dir, "missing.json");
    expect(refusal(missing)).toBe(`${missing}: cannot be read (ENOENT)`);
    try {
      readRegularFile(missing, 10);
    } catch (e) {
      expect((e as FileReadError).reason).toBe("unreadable");
      expect((e as FileReadError).code).toBe("ENOENT");
    }
  });
});
