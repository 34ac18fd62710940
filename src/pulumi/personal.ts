/**
 * Personal data in state and diffs. flow-audit and the pack mask user names and emails; Pulumi
 * records every field the program read, and `pulumi preview --diff` prints them into CI logs.
 * So by default the user objects an integration embeds (`created_by`, `updated_by`: names,
 * emails, avatar URLs) are Pulumi secrets: encrypted in state, `[secret]` in diffs and outputs.
 * Policies still read them as plain values (@pulumi/policy unwraps secrets). `secretPersonalData:
 * false` (or stack config `flow:secretPersonalData false`) keeps them plain.
 */
import * as pulumi from "@pulumi/pulumi";
import type { ChunkState } from "./chunk";
import { flowStackConfig, runError } from "./functions";

/** The fields of an integration record that hold a user (personal data). */
export const PERSONAL_FIELDS = ["created_by", "updated_by"] as const;

/** The setting, from the argument, else stack config `flow:secretPersonalData`, else true. */
export function secretPersonalData(arg: boolean | undefined, where: string): boolean {
  if (arg !== undefined) return arg;
  const raw = flowStackConfig("secretPersonalData");
  if (raw === undefined) return true;
  const value = raw.trim().toLowerCase();
  if (value === "true") return true;
  if (value === "false") return false;
  throw runError(`${where}: stack config flow:secretPersonalData must be true or false, got ${JSON.stringify(raw)}`);
}

/** An integration record's fields with its user objects made secrets (a copy; other fields as they were). */
export function withSecretUsers<T extends Record<string, unknown>>(integration: T): T {
  const out: Record<string, unknown> = { ...integration };
  for (const field of PERSONAL_FIELDS) if (out[field] !== null && typeof out[field] === "object") out[field] = pulumi.secret(out[field]);
  return out as T;
}

/** Whether a chunk entry (compact JSON) holds a user object of its own rather than a key of the chunk's `users`. */
function holdsUser(entry: string): boolean {
  return PERSONAL_FIELDS.some((field) => entry.includes(`"${field}":{`));
}

/**
 * A chunk's properties with personal data as secrets: the shared `users` as one secret, and each
 * entry that holds a user object of its own (one without an id, or edited between two responses)
 * as a secret of its own. Other entries stay readable in diffs.
 */
export function chunkWithSecretUsers(state: ChunkState): Record<string, unknown> {
  const integrations: Record<string, pulumi.Input<string>> = {};
  for (const [id, entry] of Object.entries(state.integrations)) integrations[id] = holdsUser(entry) ? pulumi.secret(entry) : entry;
  return { ...state, integrations, users: pulumi.secret(state.users) };
}
