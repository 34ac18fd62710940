import * as fs from "node:fs";
import * as path from "node:path";

/** The version in this package's package.json (two folders up from the compiled file, as from the source). */
export function packageVersion(): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as { version: string };
  return pkg.version;
}
