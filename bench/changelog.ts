import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { masterYaml, moduleYaml } from './changelog-yaml';
import { masterXml, moduleXml } from './changelog-xml';
import { generateWorkload } from './workload';

/** Both are first-class workloads: the same changesets, written out as YAML or as XSD-declared XML. */
export type ChangelogFormat = 'yaml' | 'xml';

/** A changelog folder and its master file, as the runner (`--changelog`, `--changelog-file`) and the stock CLI see it. */
export interface Changelog {
  readonly dir: string;
  readonly masterFile: string;
}

export interface GeneratedChangelog extends Changelog {
  readonly changesets: number;
  readonly files: number;
  readonly format: ChangelogFormat;
}

/**
 * Writes the workload as a changelog folder laid out like a real one: a master file in the same format
 * (db.changelog-master.yaml or .xml) including changes/<module>.<ext> one by one, one file per feature module.
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
  const masterFile = `db.changelog-master.${format}`;
  writeFileSync(join(dir, masterFile), format === 'yaml' ? masterYaml(includes) : masterXml(includes));
  return { dir, masterFile, changesets, files: modules.length, format };
}
