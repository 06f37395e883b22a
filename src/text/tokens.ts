/**
 * Credentials that travel inside data: a token pasted into a finding's title, a repository URL
 * with a password in it, an API error echoing another token. The environment's own secrets are
 * redacted by value (src/log.ts `redact`, the file guard); these are redacted by their shape,
 * wherever outside text enters a Finding (titles, links) and in every log line.
 *
 * Shapes (each documented by its issuer): GitHub tokens (`ghp_`, `gho_`, `ghu_`, `ghs_`, `ghr_` and
 * fine-grained `github_pat_`), Slack tokens (`xox?-`), AWS access key ids (`AKIA…`, `ASIA…`: the id
 * alone is no secret, but it is half of one), PEM private key blocks, the user info of a URL
 * (`https://user:password@host`) and credentials in its query (`?token=…`, a presigned URL's signature). AWS secret keys have no shape to find: only the value redaction
 * catches them.
 */

const TOKEN =
  /\b(?:gh[pousr]_[A-Za-z0-9]{30,255}|github_pat_[A-Za-z0-9_]{22,255}|xox[abposr]-[A-Za-z0-9-]{10,255}|(?:AKIA|ASIA)[A-Z0-9]{16})\b|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g;
/** The user info of a URL: `scheme://` then anything up to `@` that is not a path, query, fragment or space. */
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/?#@]+@/gi;
/**
 * A credential in a URL's query: `?token=…`, `&access_token=…`, a presigned S3 URL's signature and
 * credential (`X-Amz-Signature`, `X-Amz-Credential`, `X-Amz-Security-Token`), a password or secret.
 */
const QUERY =
  /([?&](?:access_token|token|api[_-]?key|key|password|passwd|pwd|secret|client_secret|sig|signature|x-amz-signature|x-amz-credential|x-amz-security-token)=)[^&#\s"'<>]+/gi;
/** One cheap scan answers "nothing here" for almost every text. */
const MAYBE = /gh[pousr]_|github_pat_|xox[abposr]-|AKIA|ASIA|PRIVATE KEY|:\/\/[^\s/?#@]+@|[?&][a-z_-]*(?:token|key|pass|pwd|secret|sig|credential)[a-z_-]*=/i;

export function scrubTokens(text: string): string {
  if (!MAYBE.test(text)) return text;
  return text.replace(TOKEN, '***').replace(USERINFO, '$1***@').replace(QUERY, '$1***');
}
