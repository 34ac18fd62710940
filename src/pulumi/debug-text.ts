/**
 * A workaround for a cost of the Node.js SDK (@pulumi/pulumi 3.200 … 3.276 at least): after every
 * RegisterResource call it sends the engine a debug log line with the whole response as text,
 * `RegisterResource RPC finished: …; resp: ${innerResponse}` (runtime/resource.js). The
 * response holds the resource's outputs, so for a Flow resource that is its whole reading —
 * a whole chunk of integrations — turned into text by google-protobuf's
 * Message#toString (an Array join over the message tree) and then encoded once more into a
 * LogRequest, which google-protobuf does byte by byte. The engine shows the line only with
 * `--debug` or `-v`; the SDK has no setting that skips it (log.debug sends every line to the
 * engine whatever its verbosity). At large sizes that was a large part of what the program
 * allocated and of a chunked preview's time (measured: docs/performance.md).
 *
 * So the text of a response is shortened for the Flow resource types only: their outputs are
 * the recorded reading, which state and `pulumi preview --diff` show in full. Every other
 * resource's responses, and every other debug line, are left as they are. It replaces a method
 * of an SDK class for the whole process, so it is bounded: only SDK versions it was checked
 * on (VERIFIED_SDK), and never when PULUMI_FLOW_SDK_PATCH is 0/false/off.
 */
import * as log from "@pulumi/pulumi/log";
import * as resourceProto from "@pulumi/pulumi/proto/resource_pb";
import { CHUNK_TYPE, INTEGRATION_TYPE } from "./type";
import { sdkPatchesOff } from "./sdk-patch";

export { SDK_PATCH_ENV } from "./sdk-patch";

const SHORTENED = Symbol.for("pulumi-flow.shortenedResponseText");
let skipLogged = false;

/**
 * The @pulumi/pulumi versions whose RegisterResourceResponse and debug line the workaround was
 * checked against (3.200.0, 3.248.0 and 3.276.0 read; the releases between share the code):
 * from `min` up to and including every patch release of `maxMinor`.
 */
export const VERIFIED_SDK = { min: "3.200.0", maxMinor: "3.276" } as const;

/** A version's major, minor and patch numbers; undefined when it is not `N.N.N` (a pre-release suffix is allowed). */
function parts(version: string): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:[-+].*)?$/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

function compare(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) - (b[i] ?? 0);
  return 0;
}

/** Whether the workaround was verified on this SDK version (VERIFIED_SDK). */
export function isVerifiedSdk(version: string | undefined): boolean {
  const v = version === undefined ? undefined : parts(version);
  if (!v) return false;
  const [maxMajor, maxMinor] = VERIFIED_SDK.maxMinor.split(".").map(Number);
  return compare(v, parts(VERIFIED_SDK.min)!) >= 0 && compare(v, [maxMajor, maxMinor, Number.MAX_SAFE_INTEGER]) <= 0;
}

/** The version of the @pulumi/pulumi this package loads (the one whose class would be patched); undefined when unreadable. */
export function sdkVersion(): string | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK's package.json (it has no `exports` map)
    return (require("@pulumi/pulumi/package.json") as { version?: unknown }).version as string | undefined;
  } catch {
    return undefined;
  }
}

/** Why the workaround is not applied (a sentence), or undefined when it is to be applied. */
export function sdkPatchSkipReason(version: string | undefined, env: Record<string, string | undefined> = process.env): string | undefined {
  const off = sdkPatchesOff(env);
  if (off) return off;
  if (!isVerifiedSdk(version))
    return `@pulumi/pulumi ${version ?? "(unknown version)"} is outside the versions it was verified on (${VERIFIED_SDK.min} … ${VERIFIED_SDK.maxMinor}.x)`;
  return undefined;
}

/** The resource type of a URN (urn:pulumi:stack::project::parent$type::name): the last type of the chain. */
export function urnType(urn: string): string {
  const qualified = urn.split("::")[2] ?? "";
  return qualified.slice(qualified.lastIndexOf("$") + 1);
}

/** Whether a response's text is shortened: the responses for the Flow resource types. */
export function isFlowResource(urn: string): boolean {
  const type = urnType(urn);
  return type === INTEGRATION_TYPE || type === CHUNK_TYPE;
}

/**
 * Makes the debug text of a RegisterResource response for a Flow resource its URN (and id) only,
 * when the SDK is a verified version and PULUMI_FLOW_SDK_PATCH does not switch it off (see
 * sdkPatchSkipReason); returns whether the text is shortened. Idempotent, also across copies of
 * this package sharing one SDK.
 */
export function shortenFlowResponseDebugText(env: Record<string, string | undefined> = process.env, version: string | undefined = sdkVersion()): boolean {
  const proto = resourceProto.RegisterResourceResponse.prototype as resourceProto.RegisterResourceResponse & { [SHORTENED]?: true };
  if (proto[SHORTENED]) return true;
  const skip = sdkPatchSkipReason(version, env);
  if (skip !== undefined) {
    // Once per process, visible with `pulumi preview --debug` / `-v`.
    if (!skipLogged)
      void log.debug(`pulumi-flow: the debug text of Flow resources' RegisterResource responses is not shortened: ${skip} (docs/performance.md)`);
    skipLogged = true;
    return false;
  }
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the response as `this` below
  const original = proto.toString;
  proto.toString = function (this: resourceProto.RegisterResourceResponse): string {
    const urn = this.getUrn();
    if (!isFlowResource(urn)) return original.call(this);
    const id = this.getId();
    return `{urn: ${urn}${id ? `, id: ${id}` : ""}, outputs: (the recorded Flow reading; left out of this debug line by pulumi-flow, see its docs/performance.md)}`;
  };
  Object.defineProperty(proto, SHORTENED, { value: true });
  return true;
}
