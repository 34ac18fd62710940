/**
 * The dynamic provider of flow:Integration resources, as this module's exports (see
 * ../dynamic.ts for why the provider is a module). It never writes to Flow: create and update
 * record what the program read, delete only forgets state, and read (refresh) re-reads Flow.
 */
import { recordingProvider } from "../dynamic";

const provider = recordingProvider({
  id: (inputs) => String(inputs.integrationId),
  diff: (rt, olds, news) => rt.diff(olds, news),
  // An integration deleted in Flow answers no record: an empty id tells the engine it is gone.
  read: async (rt, id) => {
    const props = await rt.readIntegration(Number(id));
    return props ? { id, props } : { id: "", props: {} };
  },
});

export const { configure, diff, create, update, read } = provider;
const forget = provider.delete;
export { forget as delete };
