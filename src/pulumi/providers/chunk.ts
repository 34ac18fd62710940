/**
 * The dynamic provider of flow:IntegrationChunk resources, as this module's exports (see
 * ../dynamic.ts for why the provider is a module). Like the Integration provider it never
 * writes to Flow; read (refresh) re-reads the chunk's integrations, and the diff names each
 * integration and field.
 */
import type { ChunkState } from "../chunk";
import { recordingProvider } from "../dynamic";

const provider = recordingProvider({
  id: (inputs) => `chunk-${String(inputs.chunk)}-of-${String(inputs.chunks)}`,
  diff: (rt, olds, news) => rt.diffChunk(olds, news),
  read: async (rt, id, props) => ({ id, props: await rt.readChunk(props as unknown as ChunkState) }),
});

export const { configure, diff, create, update, read } = provider;
const forget = provider.delete;
export { forget as delete };
