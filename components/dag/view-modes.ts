// Which views a graph offers, and which one opens first. Pure, so the rule is unit-tested:
// the graph is always offered (past the limits it is the collapsed overview), the grid only for a
// sweep, the list always; the opening view follows buildView's choice unless the user picked one.
import type { ViewMode } from '@/lib/domain/workflow/collapse';

export function availableModes(hasSweep: boolean): ViewMode[] {
  return hasSweep ? ['graph', 'grid', 'list'] : ['graph', 'list'];
}

export function chooseMode(suggested: ViewMode, chosen: ViewMode | null, available: readonly ViewMode[]): ViewMode {
  if (chosen && available.includes(chosen)) return chosen;
  return available.includes(suggested) ? suggested : 'list';
}
