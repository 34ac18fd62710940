// The engine's floor: FLOOR_N dynamic resources whose provider does nothing, under one
// component — what the engine charges for that many resources, with none of pulumi-flow's
// reading, validation or rules. The benchmark sets FLOOR_N to the number of resources the
// measured variant registers (N integrations, or K chunks).
//
// With FLOOR_ENTRIES set, the resources also carry that many entries between them, each a
// string of FLOOR_ENTRY_BYTES characters keyed like a chunk's (`integrations["102"]`): the
// engine's floor for the same bytes as the chunked mode, where the data is still recorded in
// state but nothing reads Flow, validates or judges it.
const pulumi = require("@pulumi/pulumi");

const provider = {
  create: async (inputs) => ({ id: String(inputs.n), outs: inputs }),
  diff: async () => ({ changes: false }),
};

class Item extends pulumi.dynamic.Resource {
  constructor(name, inputs, opts) {
    super(provider, name, inputs, opts, "floor", "Item");
  }
}

/** Entry `id` as text of exactly `bytes` ASCII characters (JSON, like a chunk's entry). */
function entry(id, bytes) {
  const head = `{"integration":{"id":${id},"text":"`;
  return `${head}${"x".repeat(Math.max(0, bytes - head.length - 3))}"}}`;
}

class Items extends pulumi.ComponentResource {
  constructor(name, count, entries, entryBytes) {
    super("floor:index:Items", name, {});
    const buckets = Array.from({ length: count }, () => ({}));
    for (let id = 1; id <= entries; id++) buckets[id % count][String(id)] = entry(id, entryBytes);
    for (let i = 0; i < count; i++) new Item(`${name}-${i}`, entries > 0 ? { n: i, integrations: buckets[i] } : { n: i }, { parent: this });
    this.registerOutputs({ count });
  }
}

const count = Number(process.env.FLOOR_N ?? "10");
const entries = Number(process.env.FLOOR_ENTRIES ?? "0");
const entryBytes = Number(process.env.FLOOR_ENTRY_BYTES ?? "2100");
new Items("floor", count, entries, entryBytes);
module.exports = { count };
