import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runnerAssetHash } from '../../infra/runner-code';

let root: string;
let runner: string;
let changelog: string;

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'db-migrator-hash-'));
  runner = path.join(root, 'runner');
  changelog = path.join(root, 'changelog');
  write(path.join(runner, 'pom.xml'), '<project/>');
  write(path.join(runner, 'src', 'main', 'java', 'Handler.java'), 'class Handler {}');
  write(path.join(changelog, 'db.changelog-master.yaml'), 'databaseChangeLog: []');
  write(path.join(changelog, 'changes', '001.yaml'), 'databaseChangeLog: []');
});

afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('the runner asset hash', () => {
  test('is stable for the same inputs', () => {
    expect(runnerAssetHash(changelog, runner)).toBe(runnerAssetHash(changelog, runner));
    expect(runnerAssetHash(changelog, runner)).toMatch(/^[0-9a-f]{64}$/);
  });

  test.each([
    ['a changeset', () => write(path.join(changelog, 'changes', '001.yaml'), 'changed')],
    ['a new changeset', () => write(path.join(changelog, 'changes', '002.yaml'), 'databaseChangeLog: []')],
    ['the pom', () => write(path.join(runner, 'pom.xml'), '<project><!-- --></project>')],
    ['a main source', () => write(path.join(runner, 'src', 'main', 'java', 'Handler.java'), 'class Handler { }')],
    ['a main resource', () => write(path.join(runner, 'src', 'main', 'resources', 'log4j2.xml'), '<x/>')],
    ['Maven settings', () => write(path.join(runner, '.mvn', 'maven.config'), '-B')],
    ['a renamed file', () => fs.renameSync(path.join(changelog, 'changes', '001.yaml'), path.join(changelog, 'changes', '000.yaml'))],
  ])('changes with %s', (_what, change) => {
    const before = runnerAssetHash(changelog, runner);
    change();
    expect(runnerAssetHash(changelog, runner)).not.toBe(before);
  });

  test.each([
    ['tests', () => write(path.join(runner, 'src', 'test', 'java', 'HandlerTest.java'), 'class HandlerTest {}')],
    ['build output', () => write(path.join(runner, 'target', 'lambda', 'lib', 'runner.jar'), 'jar')],
  ])('ignores %s', (_what, change) => {
    const before = runnerAssetHash(changelog, runner);
    change();
    expect(runnerAssetHash(changelog, runner)).toBe(before);
  });
});
