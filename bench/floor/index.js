// The engine's floor: FLOOR_N dynamic resources whose provider does nothing, each with a small
// input, under one component — what the engine charges for that many resources, with none of
// pulumi-flow's reading, validation or rules. The benchmark sets FLOOR_N to the number of
// resources the measured variant registers (N integrations, or K chunks).
const pulumi = require("@pulumi/pulumi");

const provider = {
  create: async (inputs) => ({ id: String(inputs.n), outs: inputs }),
  diff: async () => ({ changes: false }),
};

class Item extends pulumi.dynamic.Resource {
  constructor(name, n, opts) {
    super(provider, name, { n }, opts, "floor", "Item");
  }
}

class Items extends pulumi.ComponentResource {
  constructor(name, count) {
    super("floor:index:Items", name, {});
    for (let i = 0; i < count; i++) new Item(`${name}-${i}`, i, { parent: this });
    this.registerOutputs({ count });
  }
}

const count = Number(process.env.FLOOR_N ?? "10");
new Items("floor", count);
module.exports = { count };
