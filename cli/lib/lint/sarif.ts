import { join, relative, sep } from 'node:path';
import type { LintFinding } from './lint-run';

const SQUAWK_DOCS = 'https://squawkhq.com/docs/';

/**
 * SARIF 2.1.0 for code scanning: one result per finding, on the line that declares its changeset (path relative
 * to `base`, normally the repository root). Acknowledged findings carry an in-source suppression with their
 * reason, baselined ones an external suppression: code scanning lists them as suppressed, not as alerts.
 */
export function toSarif(findings: readonly LintFinding[], changelogDir: string, base: string, squawkVersion: string): object {
  const rules = [...new Set(findings.map((f) => f.rule))].sort();
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'db-migrator lint',
            informationUri: SQUAWK_DOCS,
            version: squawkVersion,
            rules: rules.map((id) => ({ id, name: id, helpUri: `${SQUAWK_DOCS}${id}`, shortDescription: { text: id } })),
          },
        },
        results: findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: rules.indexOf(f.rule),
          level: 'error',
          message: { text: `${f.changeset}: ${f.message}${f.help ? ` ${f.help}` : ''}` },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: relative(base, join(changelogDir, f.file)).split(sep).join('/') },
                region: { startLine: f.line },
              },
            },
          ],
          partialFingerprints: { changesetRule: `${f.changeset}::${f.rule}` },
          ...(f.status === 'acknowledged'
            ? { suppressions: [{ kind: 'inSource', justification: f.reason }] }
            : f.status === 'baseline'
              ? { suppressions: [{ kind: 'external', justification: 'in the lint baseline' }] }
              : {}),
        })),
      },
    ],
  };
}
