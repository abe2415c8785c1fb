/**
 * A changeset acknowledges a rule in its own comment, one line per acknowledgement:
 *
 *     db-migrator:allow <rule>[, <rule>…]: <reason>
 *
 * The comment is the changeset's `comment` (XML `<comment>`, YAML and JSON `comment:`, formatted SQL
 * `--comment:`), so the acknowledgement is written where the change is, read in review, and left out of
 * Liquibase's checksum: adding one to an applied changeset does not make it "edited".
 */
export interface Acknowledgement {
  readonly rule: string;
  readonly reason: string;
}

export interface AcknowledgementProblem {
  readonly text: string;
  readonly problem: string;
}

const MARKER = 'db-migrator:allow';
const ENTRY = /db-migrator:allow\s+([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)\s*:\s*(.*)$/;

export function parseAcknowledgements(comment: string | null): { acknowledged: Acknowledgement[]; problems: AcknowledgementProblem[] } {
  const acknowledged: Acknowledgement[] = [];
  const problems: AcknowledgementProblem[] = [];
  for (const line of (comment ?? '').split(/\r?\n/)) {
    // A comment may hold several acknowledgements on one line too (YAML folds lines); each starts at the marker.
    const parts = line.split(MARKER).slice(1).map((rest) => `${MARKER}${rest}`);
    for (const part of parts) {
      const match = ENTRY.exec(part);
      const reason = match?.[2].trim() ?? '';
      if (!match || reason === '') {
        problems.push({ text: part.trim(), problem: `write it as "${MARKER} <rule>: <reason>", with the reason` });
        continue;
      }
      for (const rule of match[1].split(',').map((name) => name.trim())) acknowledged.push({ rule, reason });
    }
  }
  return { acknowledged, problems };
}
