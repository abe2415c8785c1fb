import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { masterYaml, moduleYaml } from './changelog-yaml';
import { moduleXml } from './changelog-xml';
import { generateWorkload } from './workload';

/** YAML is the headline format (the project's own changelog is YAML); XML exists for the XSD-validation lever. */
export type ChangelogFormat = 'yaml' | 'xml';

export interface GeneratedChangelog {
  readonly dir: string;
  readonly changesets: number;
  readonly files: number;
  readonly format: ChangelogFormat;
}

/**
 * Writes the workload as a changelog folder laid out like the project's: db.changelog-master.yaml including
 * changes/<module>.<ext> one by one. The master stays YAML in both formats, as the runner expects.
 */
export function writeChangelog(dir: string, changesets: number, format: ChangelogFormat): GeneratedChangelog {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, 'changes'), { recursive: true });
  const modules = generateWorkload(changesets);
  const includes: string[] = [];
  for (const module of modules) {
    const file = `changes/${module.name}.${format}`;
    writeFileSync(join(dir, file), format === 'yaml' ? moduleYaml(module) : moduleXml(module));
    includes.push(file);
  }
  writeFileSync(join(dir, 'db.changelog-master.yaml'), masterYaml(includes));
  return { dir, changesets, files: modules.length, format };
}
