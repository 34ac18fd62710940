/** `pulumi-flow/simulator`: the Flow API simulator, a test double for your own tests and demos. */
export { startFlowSimulator } from "../simulator/server";
export type { FaultAction, FaultRule, FlowSimulator, FlowSimulatorOptions, RequestLogEntry, Route } from "../simulator/server";
export { demoDataset, generatedDataset, loadDataset, publishedDataset, publishedIntegration, DATASET_NAMES } from "../simulator/datasets";
export type { SimulatedIntegration } from "../simulator/datasets";
