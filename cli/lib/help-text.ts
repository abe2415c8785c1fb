/** The exit codes every command shares, plus what a command adds to them. */
export function exitCodesHelp(specific?: string): string {
  return `
Exit codes:
  0  the run SUCCEEDED, was SKIPPED or PLANNED, or the command succeeded
  1  the run FAILED, a check failed, or AWS refused or could not answer
  2  usage error (unknown option, missing argument, a stack that is not watched)${specific ? `\n  ${specific}` : ''}

With --json, stdout carries only JSON lines; every message for people goes to stderr.`;
}

export const AWS_HELP = `
AWS access comes from the SDK's usual chain: --profile / AWS_PROFILE, environment keys, SSO, instance roles.
The region comes from --region, AWS_REGION or the profile.`;
