/**
 * Passes the Flow providers' detailed diff on to the engine. The Node.js SDK's dynamic-provider
 * server (@pulumi/pulumi 3.200 … 3.276 at least, `cmd/dynamic-provider`) answers Diff with
 * `changes`, `replaces` and `deleteBeforeReplace` of the provider's result only; whatever else
 * it returns is dropped. Without a detailed diff the engine's `pulumi preview --diff` prints every
 * property of a changed resource, the unchanged ones included — a whole integration record for
 * one changed field, a whole chunk of 250 integrations for one changed integration. With it, the
 * engine prints just the paths the provider names (`~ integration: { ~ webhooks_enabled: true =>
 * false }`; in chunks the one changed entry).
 *
 * How: the provider's diff result reports its `changes` through a getter that, when read, hands
 * the result's detailed diff to the DiffResponse the server fills next. The server reads
 * `result.changes` and calls `resp.setChanges(...)` in one synchronous step, so the hand-over
 * cannot reach another response; what is not taken in that step is dropped at the next
 * microtask. It replaces a method of an SDK class in the provider's process, so it is bounded
 * like the program-side workaround (debug-text.ts): verified SDK versions only, and never when
 * PULUMI_FLOW_SDK_PATCH is 0/false/off — the engine then prints its full view, as before.
 */
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import { sdkPatchSkipReason, sdkVersion } from "./debug-text";
import type { PropertyDiff } from "./chunk";

const FORWARDS = Symbol.for("pulumi-flow.forwardsDetailedDiff");

/** The detailed diff the next DiffResponse#setChanges of this synchronous step takes. */
let handedOver: Record<string, PropertyDiff> | undefined;

const KINDS: Record<PropertyDiff["kind"], providerProto.PropertyDiff.Kind> = {
  add: providerProto.PropertyDiff.Kind.ADD,
  delete: providerProto.PropertyDiff.Kind.DELETE,
  update: providerProto.PropertyDiff.Kind.UPDATE,
};

/** The top-level property of a property path (`integrations["103"]` → `integrations`). */
function topLevel(path: string): string {
  const m = /^[^.[]+/.exec(path);
  return m ? m[0] : path;
}

/**
 * Makes the SDK's DiffResponse take a detailed diff handed over by withDetailedDiff(); returns
 * whether it does (false on an unverified SDK or with PULUMI_FLOW_SDK_PATCH off). Idempotent.
 */
export function forwardDetailedDiffs(env: Record<string, string | undefined> = process.env, version: string | undefined = sdkVersion()): boolean {
  const proto = providerProto.DiffResponse.prototype as providerProto.DiffResponse & { [FORWARDS]?: true };
  if (proto[FORWARDS]) return true;
  if (sdkPatchSkipReason(version, env) !== undefined) return false;
  // eslint-disable-next-line @typescript-eslint/unbound-method -- called with the response as `this` below
  const original = proto.setChanges;
  proto.setChanges = function (this: providerProto.DiffResponse, value: providerProto.DiffResponse.DiffChanges): providerProto.DiffResponse {
    const detailed = handedOver;
    handedOver = undefined;
    original.call(this, value);
    if (detailed && value === providerProto.DiffResponse.DiffChanges.DIFF_SOME) {
      const map = this.getDetaileddiffMap();
      for (const [path, d] of Object.entries(detailed)) map.set(path, new providerProto.PropertyDiff().setKind(KINDS[d.kind]).setInputdiff(d.inputDiff));
      this.setDiffsList([...new Set(Object.keys(detailed).map(topLevel))].sort());
      this.setHasdetaileddiff(true);
    }
    return this;
  };
  Object.defineProperty(proto, FORWARDS, { value: true });
  return true;
}

/**
 * A diff result whose `changes`, when the SDK's server reads it, hands `detailedDiff` over to
 * the response it fills (forwardDetailedDiffs). The result's own fields stay as they were.
 */
export function withDetailedDiff<R extends { changes: boolean; detailedDiff: Record<string, PropertyDiff> }>(result: R): R {
  const { changes } = result;
  return Object.defineProperty({ ...result }, "changes", {
    enumerable: true,
    get() {
      handedOver = result.detailedDiff;
      queueMicrotask(() => {
        if (handedOver === result.detailedDiff) handedOver = undefined;
      });
      return changes;
    },
  });
}
