import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';

/** Reads a scenario file (YAML or JSON; YAML is a superset of JSON) as raw data, to be validated by `parseChaosScenario`. */
export function readChaosScenarioFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read chaos scenario ${path}: ${(error as Error).message}`, { cause: error });
  }
  try {
    return parseYaml(text);
  } catch (error) {
    throw new Error(`chaos scenario ${path} is neither valid YAML nor JSON: ${(error as Error).message}`, { cause: error });
  }
}
