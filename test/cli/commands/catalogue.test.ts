import { COMMANDS, requestedCommands } from '../../../cli/commands/catalogue';
import { type CliDeps, defaultDeps } from '../../../cli/lib/cli-deps';
import { CommandRunner } from '../../../cli/lib/command-runner';
import { buildProgram } from '../../../cli/main';
import { cli } from '../support/run-cli';

function helpOf(load: (name: string) => boolean): string {
  let text = '';
  const deps: CliDeps = { ...defaultDeps(), streams: { stdout: { write: (chunk: string) => (text += chunk) }, stderr: { write: () => true } } };
  const program = buildProgram(new CommandRunner(deps), load);
  program.outputHelp();
  return text;
}

describe('commands load only when named', () => {
  test('the root help lists every command the same, whether its module is loaded or not', () => {
    const stubs = helpOf(() => false);
    expect(stubs).toBe(helpOf(() => true));
    for (const { name } of COMMANDS) expect(stubs).toMatch(new RegExp(`^  ${name} `, 'm'));
  });

  test.each(COMMANDS.map((entry) => [entry.name, entry] as const))('%s: its module registers the catalogue\'s description', async (name, entry) => {
    const run = await cli([name, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`Usage: db-migrator ${name} [options]`);
    expect(run.stdout.replace(/\s+/g, ' ')).toContain(entry.description);
  });

  test.each([
    [['--help'], []],
    [['status', '--stack', 'x'], ['status']],
    [['--region', 'eu-west-1', '--profile', 'ops', 'replay', '--stack', 'app'], ['replay']],
    [['help', 'doctor'], ['help', 'doctor']],
    [['local', 'history'], ['local']],
  ])('%j names %j', (argv, names) => {
    expect([...requestedCommands(argv)]).toEqual(names);
  });

  test('an unknown command is still a usage error', async () => {
    const run = await cli(['stauts']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'stauts'");
  });
});
