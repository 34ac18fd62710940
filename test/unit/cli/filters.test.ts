import { describe, expect, it } from "vitest";
import { UsageError } from "../../../src/cli/args";
import { checkFilters, seenIn, unmatched } from "../../../src/cli/filters";
import { demoDataset } from "../../../src/simulator/datasets";

const all = demoDataset(0);
const seen = seenIn(all.map((r) => r.integration));
const filter = (vendors: string[], ids: number[]) =>
  all.filter((r) => (!vendors.length || vendors.includes(r.integration.vendor_type)) && (!ids.length || ids.includes(r.integration.id)));
const check = (vendors: string[], ids: number[]) => checkFilters({ vendors, ids }, filter(vendors, ids), seen, "in Flow");

describe("--vendor and --id against what there is", () => {
  it("is a usage error naming an unknown vendor, with the vendors there are", () => {
    expect(() => check(["gihub"], [])).toThrow(UsageError);
    expect(() => check(["gihub"], [])).toThrow(
      "--vendor 'gihub': no integration of this vendor in Flow (vendors in Flow: azure_devops, bitbucket, github, gitlab, jira)",
    );
    // One typo among good values is still a typo.
    expect(() => check(["github", "gitlba"], [])).toThrow(/--vendor 'gitlba': no integration of this vendor/);
  });

  it("is a usage error naming ids that do not exist", () => {
    expect(() => check([], [101, 999, 1234])).toThrow("--id 999, 1234: no integration with these ids in Flow");
    expect(() => check(["gihub"], [999])).toThrow(/--vendor 'gihub'.*; --id 999: no integration with this id in Flow$/);
  });

  it("warns, naming the filters, when existing values exclude each other", () => {
    expect(check(["github"], [104])).toEqual([
      "no integration matches --vendor github --id 104 (each value exists in Flow, but not together), so 0 integrations were evaluated",
    ]);
    expect(check(["github"], [101, 104])).toEqual([
      "--id 104 matched no integration together with the other filter (--vendor github --id 101,104); 1 integration evaluated",
    ]);
  });

  it("is quiet when every value matched, and says so when an unfiltered inventory is empty", () => {
    expect(check(["github", "jira"], [])).toEqual([]);
    expect(check([], [101, 104])).toEqual([]);
    expect(check([], [])).toEqual([]);
    expect(checkFilters({ vendors: [], ids: [] }, [], seenIn([]), "in Flow")).toEqual(["0 integrations in Flow, so nothing was evaluated"]);
    expect(() => checkFilters({ vendors: ["github"], ids: [] }, [], seenIn([]), "in the snapshot")).toThrow(
      "--vendor 'github': no integration of this vendor in the snapshot (there are no integrations in the snapshot)",
    );
  });

  it("needs a look at what there is only when a value matched nothing", () => {
    expect(unmatched({ vendors: ["github"], ids: [101] }, filter(["github"], [101]))).toEqual({ vendors: [], ids: [] });
    expect(unmatched({ vendors: ["github", "x"], ids: [7] }, [])).toEqual({ vendors: ["github", "x"], ids: [7] });
  });
});
