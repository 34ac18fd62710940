// Types of bench/analyzer.mjs (plain JavaScript, run by node as the benchmarks are).
import type { Policies } from "@pulumi/policy";

export type AnalyzedResource = [type: string, name: string, urn: string, props: Record<string, unknown>];
export interface Requests {
  analyze: unknown[];
  stack: unknown;
}
export interface Diagnostic {
  policyname: string;
  enforcementlevel: number;
  message: string;
  urn: string;
}
export declare const secret: (value: unknown) => Record<string, unknown>;
export declare const UNKNOWN: string;
export declare function requestsFor(resources: readonly AnalyzedResource[]): Requests;
export declare function analyse(policies: Policies, requests: Requests): Promise<{ ms: number; diagnostics: Diagnostic[] }>;
