/**
 * The one switch of pulumi-flow's workarounds for costs of the Pulumi SDKs (debug-text.ts and
 * detailed-diff.ts in this room; the policy pack's shared reads in policy/shared-reads.ts):
 * PULUMI_FLOW_SDK_PATCH=0 (or `false`, `off`, `no`) in the environment switches them all off.
 */

/** The environment variable that switches the workarounds off (`0`, `false`, `off` or `no`). */
export const SDK_PATCH_ENV = "PULUMI_FLOW_SDK_PATCH";

/** Why the environment switches the workarounds off (a sentence), or undefined when it does not. */
export function sdkPatchesOff(env: Record<string, string | undefined>): string | undefined {
  const setting = env[SDK_PATCH_ENV]?.trim().toLowerCase();
  return setting && ["0", "false", "off", "no"].includes(setting) ? `${SDK_PATCH_ENV}=${env[SDK_PATCH_ENV]} switches it off` : undefined;
}
