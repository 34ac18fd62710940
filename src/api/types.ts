import type { components, operations } from "./schema";

/** A Flow integration, as the API returns it (typed from the spec). */
export type Integration = components["schemas"]["Integration"];
/** A page of integrations (DRF envelope). */
export type IntegrationList = components["schemas"]["IntegrationList"];
/** An integration's connection status (body not published by Flow; modelled tolerantly). */
export type ConnectionStatus = components["schemas"]["ConnectionStatus"];
/** A Flow user embedded in an integration. */
export type FlowUser = components["schemas"]["User"];
/** A user given as an object or as a bare id. */
export type UserRef = components["schemas"]["UserRef"];
/** A source type enabled for an integration. */
export type EnabledSourceType = components["schemas"]["EnabledSourceType"];
/** Vendor metadata of an integration. */
export type VendorMeta = components["schemas"]["VendorMeta"];
/** Query parameters of the list operation (filters, paging, fields/omit, ordering). */
export type IntegrationQuery = NonNullable<operations["listIntegrations"]["parameters"]["query"]>;

/** One inventory record: an integration and (when requested) its connection status. */
export interface InventoryRecord {
  integration: Integration;
  connectionStatus?: ConnectionStatus;
}
