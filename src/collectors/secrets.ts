/**
 * Values from the environment that must never be printed. Its own module so that the CLI can
 * redact its logs without loading the live collectors.
 */
export function liveSecrets(env: NodeJS.ProcessEnv): string[] {
  const names = ['GITHUB_TOKEN', 'GH_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_WEB_IDENTITY_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN'];
  return names.map((n) => env[n]).filter((v): v is string => typeof v === 'string' && v.length >= 4);
}
