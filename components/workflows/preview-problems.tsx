import type { PolicyViolation } from '@/lib/domain/policy';
import type { WorkflowProblem } from '@/lib/domain/workflow/types';

/** Validation problems, each with the path (or line and column) it is about. */
export function PreviewProblems({ problems }: { problems: WorkflowProblem[] }) {
  if (problems.length === 0) {
    return <p className="text-sm text-green-800 dark:text-green-300">✓ No problems found.</p>;
  }
  return (
    <div
      role="alert"
      className="rounded-md border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
    >
      <h3 className="font-medium">
        {problems.length} {problems.length === 1 ? 'problem' : 'problems'}
      </h3>
      <ul className="mt-1 list-disc space-y-1 pl-5" data-testid="preview-problems">
        {problems.map((p, i) => (
          <li key={`${p.path}-${i}`}>
            <code className="font-mono text-xs">{p.path}</code> {p.message}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What the workload policy would refuse at submission, for the viewer's team: path, message and rule. */
export function PreviewViolations({ violations }: { violations: PolicyViolation[] }) {
  if (violations.length === 0) return null;
  return (
    <div
      role="alert"
      className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <h3 className="font-medium">
        The workload policy would refuse it: {violations.length} {violations.length === 1 ? 'violation' : 'violations'}
      </h3>
      <ul className="mt-1 list-disc space-y-1 pl-5" data-testid="preview-violations">
        {violations.map((v, i) => (
          <li key={`${v.path}-${v.rule}-${i}`}>
            <code className="font-mono text-xs">{v.path}</code> {v.message}{' '}
            <code className="font-mono text-xs">({v.rule})</code>
          </li>
        ))}
      </ul>
    </div>
  );
}
