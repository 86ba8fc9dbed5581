import type { Engine, JsonObject } from './index.js';

export declare class ScenarioError extends Error {}

export interface Scenario { origin: string; name: string | null; description: string | null; now: number; steps: unknown[] }

export interface StepReport {
  step: number;
  name: string | null;
  op: string;
  status: 'passed' | 'failed' | 'not_run';
  problem: string | null;
  differences: { subject: string; path: string; expected: unknown; actual: unknown; note: string | null }[];
}

export interface ScenarioReport { file: string; name: string | null; passed: boolean; error: JsonObject | null; steps: StepReport[] }

/// Reads and checks a scenario file (throws ScenarioError naming the step
/// and the field).
export declare function parseScenario(source: string, origin: string, engine: Engine): Scenario;
/// Runs it on `engine`, over a fresh provider.
export declare function runScenario(scenario: Scenario, engine: Engine): ScenarioReport;
export declare function compare(subject: string, expected: unknown, actual: unknown, exact: boolean): StepReport['differences'];
