import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { chunkWithSecretUsers, withSecretUsers } from "../../../src/pulumi/personal";

const isSecretOutput = async (v: unknown) => pulumi.Output.isInstance(v) && (await (v as unknown as { isSecret: Promise<boolean> }).isSecret);

describe("personal data as Pulumi secrets (src/pulumi/personal.ts)", () => {
  it("makes an integration's user objects secrets, and nothing else", async () => {
    const out = withSecretUsers({ id: 1, name: "GitHub", created_by: { id: 7, email: "a@example.com" }, updated_by: null });
    expect(await isSecretOutput(out.created_by)).toBe(true);
    expect(out.updated_by).toBeNull();
    expect(out.name).toBe("GitHub");
  });

  it("makes a chunk's shared users one secret, and an entry that holds a user of its own a secret", async () => {
    const state = {
      chunk: 0,
      chunks: 1,
      integrations: { "1": '{"integration":{"id":1,"created_by":null}}', "2": '{"integration":{"id":2,"created_by":{"name":"Sam"}}}' },
      users: { "7": '{"id":7}' },
      vendorMeta: {},
    };
    const props = chunkWithSecretUsers(state) as { integrations: Record<string, unknown>; users: unknown; vendorMeta: unknown };
    expect(await isSecretOutput(props.users)).toBe(true);
    expect(props.integrations["1"]).toBe(state.integrations["1"]);
    expect(await isSecretOutput(props.integrations["2"])).toBe(true);
    expect(props.vendorMeta).toEqual({});
  });
});
