// The typed surface of the engine bootstrap (bootstrap.mjs runs before any build, so it stays
// plain JavaScript; tests, the demo and the benchmarks import it through these types).

/** A usable Pulumi CLI: where it is, its version, and where it came from. */
export interface EngineInfo {
  pulumi: string;
  binDir: string;
  version: string;
  source: "path" | "cache" | "built";
  /** The tools asked for (`with`), by name: the absolute path of each binary. */
  tools: Partial<Record<ToolName, string>>;
  /** The folders to put first on PATH: `binDir`, then any folder of a tool built apart from the engine. */
  pathDirs: string[];
}

/** Tools beyond the engine that `ensureEngine({ with })` and `--with` make available. */
export type ToolName = "yaml" | "gensdk" | "go";

/** How each tool is built: its binary name, what it is, its Go module folder, build inputs and `go build` target. */
export declare const TOOLS: Record<ToolName, { bin: string; what: string; moduleDir: string; inputs: string[]; target: string; fromPath: boolean }>;

/** The Pulumi CLI version built and tested against (matches the pinned @pulumi/pulumi SDK). */
export declare const PINNED_VERSION: string;
/** The oldest `pulumi` on PATH accepted instead of building. */
export declare const MIN_VERSION: string;

/** No engine can be had; the message names the ways out. */
export declare class EngineUnavailableError extends Error {
  constructor(detail: string);
}

/** Compares two dotted versions numerically (negative, zero or positive). */
export declare function compareVersions(a: string, b: string): number;
/** The version a `pulumi` binary reports, without the leading "v", or undefined. */
export declare function pulumiVersion(bin: string): string | undefined;
/** Root folder of the engine cache (outside the repository). */
export declare function cacheRoot(): string;
/** The built engine's folder name in the cache (`pulumi-<version>-<hash of its build inputs>`). */
export declare function engineKey(): string;
/** Runs `fn` holding a directory lock; a dead owner's lock is taken over. */
export declare function withLock<T>(lockDir: string, log: (message: string) => void, fn: () => T): T;
/** The environment for running the engine offline: file:// backend and PULUMI_HOME in `workDir`, PWD = `cwd`. */
export declare function offlineEnv(engine: EngineInfo, workDir: string, cwd: string, base?: NodeJS.ProcessEnv): NodeJS.ProcessEnv;
/** Where `--env` keeps local stacks (`$XDG_STATE_HOME/pulumi-flow/backend`, default `~/.local/state/…`). */
export declare function defaultBackendDir(env?: NodeJS.ProcessEnv): string;
/** The shell lines `--env` prints: the engine on PATH, a local file:// backend and an empty passphrase unless already set. */
export declare function envLines(engine: EngineInfo, env?: NodeJS.ProcessEnv): string[];
/**
 * Makes the engine available (PATH, cache, or a build) and describes it. `with` adds tools: each is
 * built beside the engine in its cache folder the first time it is asked for (a Pulumi on PATH with
 * its own `pulumi-language-yaml` or `pulumi-language-go` keeps that one).
 */
export declare function ensureEngine(options?: { quiet?: boolean; rebuild?: boolean; with?: ToolName[] }): EngineInfo;
/** Parses the bootstrap's command line. */
export declare function parseArgs(argv: string[]): { flags: Set<string>; wanted: string[]; unknown: string[] };
