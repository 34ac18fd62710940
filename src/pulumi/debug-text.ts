/**
 * A workaround for a cost of the Node.js SDK (@pulumi/pulumi 3.248 … 3.276 at least): after every
 * RegisterResource call it sends the engine a debug log line with the whole response as text,
 * `RegisterResource RPC finished: …; resp: ${innerResponse}` (runtime/resource.js). The
 * response holds the resource's outputs, so for a Flow resource that is its whole reading —
 * a chunk's 250 integrations, about 530 KB — turned into text by google-protobuf's
 * Message#toString (an Array join over the message tree) and then encoded once more into a
 * LogRequest, which google-protobuf does byte by byte. The engine shows the line only with
 * `--debug` or `-v`. At 10,000 integrations that was a quarter of what the program allocated and about
 * a fifth of a chunked preview's time (docs/performance.md).
 *
 * So the text of a response is shortened for the Flow resource types only: their outputs are
 * the recorded reading, which state and `pulumi preview --diff` show in full. Every other
 * resource's responses, and every other debug line, are left as they are.
 */
import * as resourceProto from "@pulumi/pulumi/proto/resource_pb";
import { CHUNK_TYPE, INTEGRATION_TYPE } from "./type";

const SHORTENED = Symbol.for("pulumi-flow.shortenedResponseText");

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
 * Makes the debug text of a RegisterResource response for a Flow resource its URN (and id) only.
 * Idempotent, also across copies of this package sharing one SDK.
 */
export function shortenFlowResponseDebugText(): void {
  const proto = resourceProto.RegisterResourceResponse.prototype as resourceProto.RegisterResourceResponse & { [SHORTENED]?: true };
  if (proto[SHORTENED]) return;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the response as `this` below
  const original = proto.toString;
  proto.toString = function (this: resourceProto.RegisterResourceResponse): string {
    const urn = this.getUrn();
    if (!isFlowResource(urn)) return original.call(this);
    const id = this.getId();
    return `{urn: ${urn}${id ? `, id: ${id}` : ""}, outputs: (the recorded Flow reading; left out of this debug line by pulumi-flow, see its docs/performance.md)}`;
  };
  Object.defineProperty(proto, SHORTENED, { value: true });
}
