/**
 * The dynamic provider of flow:Integration resources, as this module's exports (see
 * ../dynamic.ts for why the provider is a module). It never writes to Flow: create and update
 * record what the program read, delete only forgets state, and read (refresh, Integration.get) re-reads Flow.
 */
import { recordingProvider } from "../dynamic";

const provider = recordingProvider({
  id: (inputs) => String(inputs.integrationId),
  diff: (rt, olds, news) => rt.diff(olds, news),
  // Refresh: an integration deleted in Flow answers an empty id (the engine drops it); Integration.get: it fails, naming the id.
  read: (rt, id, props) => rt.readIntegrationResource(id, props),
});

export const { configure, diff, create, update, read } = provider;
const forget = provider.delete;
export { forget as delete };
