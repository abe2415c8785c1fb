import { readFileSync } from 'node:fs';

/**
 * The line (from 1) where a changeset is declared in its file, for SARIF and for people: formatted SQL's
 * `--changeset author:id`, XML's `<changeSet … id="…">`, YAML's and JSON's `changeSet` entry whose `id` is it.
 * Line 1 when the declaration cannot be found (a file Liquibase read through another route).
 */
export function changesetLine(text: string, id: string, author: string): number {
  const lines = text.split(/\r?\n/);
  const escaped = escapeRegExp(id);
  const sql = new RegExp(`^\\s*--\\s*changeset\\s+${escapeRegExp(author)}:${escaped}(\\s|$)`, 'i');
  const xmlId = new RegExp(`\\bid\\s*=\\s*["']${escaped}["']`);
  const keyId = new RegExp(`^\\s*-?\\s*["']?id["']?\\s*:\\s*["']?${escaped}["']?\\s*,?\\s*$`);
  for (let i = 0; i < lines.length; i++) {
    if (sql.test(lines[i])) return i + 1;
  }
  // XML: the id attribute may sit on a later line of the <changeSet tag; report the tag's line.
  for (let i = 0; i < lines.length; i++) {
    if (!/<changeSet\b/.test(lines[i])) continue;
    let tag = lines[i].slice(lines[i].search(/<changeSet\b/));
    for (let j = i + 1; !tag.includes('>') && j < lines.length && j < i + 20; j++) tag += `\n${lines[j]}`;
    if (xmlId.test(tag.slice(0, tag.indexOf('>') + 1 || undefined))) return i + 1;
  }
  // YAML and JSON: the `changeSet` key above the matching id.
  for (let i = 0; i < lines.length; i++) {
    if (!keyId.test(lines[i])) continue;
    for (let j = i; j >= 0 && j >= i - 5; j--) {
      if (/["']?changeSet["']?\s*:/.test(lines[j])) return j + 1;
    }
    return i + 1;
  }
  return 1;
}

export function changesetLineInFile(path: string, id: string, author: string): number {
  try {
    return changesetLine(readFileSync(path, 'utf8'), id, author);
  } catch {
    return 1;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
