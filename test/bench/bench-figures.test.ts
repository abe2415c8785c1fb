import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeChangelog } from '../../bench/changelog';
import { sections } from '../../bench/figures';
import { GOALS, judge } from '../../bench/goals';

const results = JSON.parse(readFileSync(join(__dirname, '..', '..', 'bench', 'results.json'), 'utf8'));

describe('the committed bench/results.json', () => {
  test('holds the headline keys for YAML at the top, the same under xml., and the natural-flag ratios apart', () => {
    for (const block of [results, results.xml]) {
      for (const key of ['m1.ratio_stock', 'm1.ratio_floor', 'm2.ratio_stock', 'm3.warm_noop_ms',
        'growth.m1_5000_over_100', 'm4.unzipped_total_bytes', 'natural.m1.ratio_stock', 'natural.m2.ratio_stock',
        'm1.before.ratio_floor', 'm3.before.warm_noop_ms']) {
        const value = key.split('.').reduce((node, part) => node?.[part], block);
        expect([key, typeof value]).toEqual([key, 'number']);
      }
      expect(block.m1.fast_path).toBe(true);
      expect(block.m1.before.fast_path).toBe(false);
    }
    expect(results.method.jvmFlags.equal.stock).toEqual(results.method.jvmFlags.equal.runner);
    expect(results.method.jvmFlags.natural.stock).toEqual([]);
  });

  test('its goals are judged on both formats, and --docs-only can render every section from it', () => {
    const goals = judge(results);
    expect(goals).toHaveLength(GOALS.length * 2);
    expect(goals.filter((g) => g.key.startsWith('xml.'))).toHaveLength(GOALS.length);
    const titles = sections(results).map((s) => s.title);
    expect(titles).toEqual(expect.arrayContaining(['YAML workload, N = 1,000', 'XML workload, N = 1,000']));
    expect(results.emulator.before.fastPath).toBe(false);
    expect(results.emulator.after.fastPath).toBe(true);
  });
});

test('the XML workload has the YAML one\'s changesets, an XML master including one file per module, and declares its XSD', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-xml-'));
  const xml = writeChangelog(join(dir, 'xml'), 45, 'xml');
  const yaml = writeChangelog(join(dir, 'yaml'), 45, 'yaml');
  expect(xml.masterFile).toBe('db.changelog-master.xml');
  expect(readdirSync(join(xml.dir, 'changes'))).toEqual(['0001-module.xml', '0002-module.xml', '0003-module.xml']);
  const master = readFileSync(join(xml.dir, xml.masterFile), 'utf8');
  expect(master).toContain('<include file="changes/0002-module.xml" relativeToChangelogFile="true"/>');
  expect(master).toContain('dbchangelog-4.33.xsd');
  const ids = (text: string, pattern: RegExp): string[] => [...text.matchAll(pattern)].map((m) => m[1]);
  for (const module of ['0001-module', '0003-module']) {
    const x = readFileSync(join(xml.dir, 'changes', `${module}.xml`), 'utf8');
    const y = readFileSync(join(yaml.dir, 'changes', `${module}.yaml`), 'utf8');
    expect(x).toContain('xsi:schemaLocation=');
    expect(ids(x, /<changeSet id="([^"]+)"/g)).toEqual(ids(y, /^ {6}id: "([^"]+)"/gm));
  }
});
