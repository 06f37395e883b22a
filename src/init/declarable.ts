import { globProblems, hasGlobSyntax } from '../config/glob.js';

/**
 * Why a repository name `secsli init` read (an export, discovery, a finding) cannot be declared
 * under github.repos, or undefined. The same checks `validate` applies (accounts: its
 * accountIdProblem), so a bad record is refused where it is read instead of failing the
 * proposal's own validation. Glob characters are refused too: GitHub allows none, and a
 * "name" with them would claim other repositories.
 */
export function repoProblem(fullName: string): string | undefined {
  if (hasGlobSyntax(fullName)) return `"${fullName}" is not a repository name: it has glob characters (* ? [ ] { } \\)`;
  const problems = globProblems(fullName, 'repo');
  return problems.length ? `"${fullName}" is not a repository name: ${problems.join('; ')}` : undefined;
}
