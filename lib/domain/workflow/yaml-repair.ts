// Go's YAML parser (which kubectl and Argo use) accepts a flow collection whose later lines are
// indented no deeper than its key, e.g. `args: ["\n  cd x\n"]` closing at the key's column, as in
// Argo's own examples/ci.yaml. The YAML spec and the `yaml` package reject it. Inside a flow
// collection leading spaces are folded away, so indenting those lines further changes no value;
// parse.ts applies this only when the strict parse fails and keeps it only if it then parses.

const BLOCK_SCALAR_HEADER = /:\s*[|>][-+0-9]*\s*(#.*)?$|^\s*-\s+[|>][-+0-9]*\s*(#.*)?$/;

export function repairFlowIndentation(text: string): string {
  const lines = text.split('\n');
  let depth = 0;
  let quote: '"' | "'" | null = null;
  let minimumIndent = 0;
  let blockScalarIndent: number | null = null;
  for (let i = 0; i < lines.length; i++) {
    let line = lines[i];
    const indent = line.length - line.trimStart().length;
    if (blockScalarIndent !== null) {
      if (line.trim() === '' || indent > blockScalarIndent) continue;
      blockScalarIndent = null;
    }
    if ((depth > 0 || quote) && line.trim() !== '' && indent < minimumIndent) {
      line = ' '.repeat(minimumIndent - indent) + line;
      lines[i] = line;
    }
    const wasOutside = depth === 0 && quote === null;
    for (let c = 0; c < line.length; c++) {
      const ch = line[c];
      if (quote === '"') {
        if (ch === '\\') c++;
        else if (ch === '"') quote = null;
      } else if (quote === "'") {
        if (ch === "'" && line[c + 1] === "'") c++;
        else if (ch === "'") quote = null;
      } else if (ch === '#' && (c === 0 || /\s/.test(line[c - 1]))) {
        break;
      } else if (ch === '"' || ch === "'") {
        // Only a quote that opens a scalar counts; an apostrophe inside a plain word does not.
        if (c === 0 || /[\s[{,:-]/.test(line[c - 1])) quote = ch;
      } else if (ch === '[' || ch === '{') {
        if (depth === 0) minimumIndent = c + 1;
        depth++;
      } else if ((ch === ']' || ch === '}') && depth > 0) {
        depth--;
      }
    }
    // A quoted scalar left open at the end of a block-context line continues on the next ones.
    if (wasOutside && depth === 0 && quote !== null) minimumIndent = indent + 1;
    if (depth === 0 && quote === null && BLOCK_SCALAR_HEADER.test(line)) blockScalarIndent = indent;
  }
  return lines.join('\n');
}
