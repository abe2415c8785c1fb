import type { LintFinding, LintReport } from './lint-run';

/** The findings for people, grouped by changeset: rule, message and help; acknowledged ones with their reason. */
export function formatReport(report: LintReport): string[] {
  const lines: string[] = [];
  const byChangeset = new Map<string, LintFinding[]>();
  for (const finding of report.findings) byChangeset.set(finding.changeset, [...(byChangeset.get(finding.changeset) ?? []), finding]);
  for (const [changeset, findings] of byChangeset) {
    lines.push(`${changeset} (line ${findings[0].line}${findings[0].runInTransaction ? '' : ', runInTransaction: false'})`);
    for (const f of findings) {
      const tag = f.status === 'new' ? '' : f.status === 'acknowledged' ? ' [acknowledged]' : ' [baseline]';
      lines.push(`  ${f.rule}${tag}: ${f.message}`);
      if (f.help) lines.push(`    help: ${f.help}`);
      if (f.reason) lines.push(`    reason: ${f.reason}`);
    }
  }
  const count = (status: LintFinding['status']): number => report.findings.filter((f) => f.status === status).length;
  const scope = report.pending === null ? 'changeset(s)' : 'pending changeset(s)';
  lines.push(`${report.linted} ${scope} linted: ${count('new')} finding(s) to fix, ${count('acknowledged')} acknowledged, ${count('baseline')} in the baseline`);
  return lines;
}
