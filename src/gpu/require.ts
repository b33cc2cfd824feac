// NVIDIA_REQUIRE_* constraints, as nvidia-container-cli reads them: within one expression,
// blank-separated alternatives of which one must hold, each a comma list of conditions that must
// all hold; every expression must hold. Keys: cuda, driver, arch (compute capability), brand.
import { EnrootError } from '../errors.js';

export interface DriverFacts {
  driver(): string | undefined;
  cuda(): string | undefined;
  /** One entry per selected GPU. */
  arch(): string[];
  brand(): string[];
}

const CONDITION = /^(cuda|driver|arch|brand)(>=|<=|!=|==|=|>|<)(.+)$/;

function compareVersions(a: string, b: string): number {
  const left = a.split('.').map(Number);
  const right = b.split('.').map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const diff = (left[i] ?? 0) - (right[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function holds(op: string, order: number): boolean {
  switch (op) {
    case '>=':
      return order >= 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '<':
      return order < 0;
    case '!=':
      return order !== 0;
    default:
      return order === 0;
  }
}

function conditionHolds(condition: string, facts: DriverFacts): boolean {
  const match = CONDITION.exec(condition);
  if (match === null) throw new EnrootError(`Invalid NVIDIA requirement: ${condition} (expected cuda, driver, arch or brand, an operator and a value)`);
  const [, key, op, value] = match as unknown as [string, string, string, string];
  if (key === 'brand') return facts.brand().every((brand) => holds(op, brand.toLowerCase() === value.toLowerCase() ? 0 : 1));
  if (key === 'arch') return facts.arch().every((arch) => holds(op, compareVersions(arch, value)));
  const actual = key === 'cuda' ? facts.cuda() : facts.driver();
  if (actual === undefined) throw new EnrootError(`Cannot check NVIDIA requirement ${condition}: the host's ${key} version is unknown (set NVIDIA_DISABLE_REQUIRE=1 to skip the check)`);
  return holds(op, compareVersions(actual, value));
}

/** Throws one error naming the first expression that does not hold. */
export function checkRequirements(expressions: readonly string[], facts: DriverFacts): void {
  for (const expression of expressions) {
    const alternatives = expression.split(/\s+/).filter((part) => part !== '');
    const satisfied = alternatives.some((alternative) => alternative.split(',').every((condition) => conditionHolds(condition, facts)));
    if (!satisfied) {
      const found = `driver ${facts.driver() ?? 'unknown'}, CUDA ${facts.cuda() ?? 'unknown'}`;
      throw new EnrootError(`Unsatisfied NVIDIA requirement: ${expression} (this host has ${found}); upgrade the driver, or set NVIDIA_DISABLE_REQUIRE=1`);
    }
  }
}
