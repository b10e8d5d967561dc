// A `sh -c "curl ..."` step, executed by the simulated cluster: the one command is split as the
// shell would (quotes, $VAR and ${VAR} from the container's env), then the GET is made over real
// HTTP. What `-o <file>` would write is handed back, so an output parameter read from that path
// (`valueFrom.path`) carries the body, as Argo's executor would read it from the container.
// Exit codes follow curl: 22 for an HTTP error with -f, 7 when the server cannot be reached.

export type CurlLog = (msg: string, fields?: object) => void;

const SHELLS = new Set(['sh', '/bin/sh', 'bash', '/bin/bash']);

/** The script of a container that runs exactly one curl command, or null. */
export function readCurlScript(command: string[]): string | null {
  if (command.length !== 3 || !SHELLS.has(command[0]) || command[1] !== '-c') return null;
  const script = command[2].trim();
  // One simple command only: pipes, lists and redirections are beyond this small shell.
  if (!/^curl\s/.test(script) || hasShellOperators(script)) return null;
  // Only GETs made of the options below are executed; anything else (-X, -d ...) runs on the model.
  const words = splitShellWords(script, {}).slice(1);
  let urls = 0;
  for (let i = 0; i < words.length; i++) {
    if (WITH_VALUE.has(words[i])) i++;
    else if (words[i].startsWith('-')) {
      if (!FLAGS.has(words[i]) && !/^-[fsSL]+$/.test(words[i])) return null;
    } else urls++;
  }
  return urls === 1 ? script : null;
}

/** Pipes, lists, redirections or command substitutions outside quotes (and `$(` / backticks anywhere). */
function hasShellOperators(script: string): boolean {
  let quote: string | null = null;
  for (let i = 0; i < script.length; i++) {
    const ch = script[i];
    if (quote === "'") {
      if (ch === "'") quote = null;
      continue;
    }
    if (ch === '`' || (ch === '$' && script[i + 1] === '(')) return true;
    if (quote === '"') {
      if (ch === '\\') i++;
      else if (ch === '"') quote = null;
      continue;
    }
    if (ch === '"' || ch === "'") quote = ch;
    else if ('|;&<>'.includes(ch)) return true;
  }
  return false;
}

const WITH_VALUE = new Set(['-H', '--header', '-o', '--output', '--retry']);
const FLAGS = new Set(['--fail', '--silent', '--show-error', '--location']);

/** Splits a command line into words as sh does for quotes and variable expansion (no globbing). */
export function splitShellWords(script: string, env: Record<string, string | undefined>): string[] {
  const words: string[] = [];
  let cur: string | null = null;
  let quote: '"' | "'" | null = null;
  const expand = (i: number): [string, number] => {
    const braced = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(script.slice(i));
    const bare = /^\$([A-Za-z_][A-Za-z0-9_]*)/.exec(script.slice(i));
    const m = braced ?? bare;
    if (!m) return ['$', i + 1];
    return [env[m[1]] ?? '', i + m[0].length];
  };
  for (let i = 0; i < script.length;) {
    const ch = script[i];
    if (quote === "'") {
      if (ch === "'") quote = null;
      else cur += ch;
      i++;
    } else if (ch === '$') {
      const [value, next] = expand(i);
      cur = (cur ?? '') + value;
      i = next;
    } else if (quote === '"') {
      if (ch === '"') quote = null;
      else if (ch === '\\' && i + 1 < script.length && '"\\$`'.includes(script[i + 1])) {
        cur += script[i + 1];
        i++;
      } else cur += ch;
      i++;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      cur ??= '';
      i++;
    } else if (/\s/.test(ch)) {
      if (cur !== null) words.push(cur);
      cur = null;
      i++;
    } else {
      cur = (cur ?? '') + ch;
      i++;
    }
  }
  if (cur !== null) words.push(cur);
  return words;
}

export type CurlResult = { exitCode: number; files: Record<string, string> };

/** Runs the curl command of `script` (see readCurlScript) with `env`: a GET, following redirects. */
export async function runCurlScript(
  script: string,
  env: Record<string, string | undefined>,
  log: CurlLog = () => undefined,
): Promise<CurlResult> {
  const words = splitShellWords(script, env).slice(1);
  const headers = new Headers();
  let url: string | undefined;
  let output: string | undefined;
  let failOnError = false;
  let retries = 0;
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '-H' || w === '--header') {
      const h = words[++i] ?? '';
      const colon = h.indexOf(':');
      if (colon > 0) headers.set(h.slice(0, colon).trim(), h.slice(colon + 1).trim());
    } else if (w === '-o' || w === '--output') output = words[++i];
    else if (w === '--retry') retries = Math.max(0, Math.min(10, Number(words[++i]) || 0));
    else if (w === '-f' || w === '--fail') failOnError = true;
    else if (/^-[fsSL]+$/.test(w)) failOnError ||= w.includes('f');
    else if (!w.startsWith('-')) url = w;
  }
  if (!url) {
    log('curl: no URL specified');
    return { exitCode: 2, files: {} };
  }
  for (let attempt = 0; ; attempt++) {
    try {
      const res = await fetch(url, { headers, signal: AbortSignal.timeout(30_000) });
      const body = await res.text();
      // curl --retry retries 408, 429 and 5xx answers, and connection failures.
      if ((res.status === 408 || res.status === 429 || res.status >= 500) && attempt < retries) {
        await backOff(attempt);
        continue;
      }
      if (failOnError && res.status >= 400) {
        log('curl: the requested URL returned an error', { url, status: res.status, body: body.slice(0, 500) });
        return { exitCode: 22, files: {} };
      }
      return { exitCode: 0, files: output ? { [output]: body } : {} };
    } catch (error) {
      if (attempt < retries) {
        await backOff(attempt);
        continue;
      }
      log('curl: failed to connect', { url, error: String(error) });
      return { exitCode: 7, files: {} };
    }
  }
}

/** curl waits 1 s, doubling; the simulation keeps the doubling on a shorter scale. */
const backOff = (attempt: number) => new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
