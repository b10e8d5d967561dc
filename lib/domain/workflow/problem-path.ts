// Problems name where they are in the object the user wrote, in the notation people read.

/** `['spec','templates','2','name']` -> `spec.templates[2].name`. */
export function formatPath(segments: Array<string | number>): string {
  let out = '';
  for (const segment of segments) {
    const text = String(segment);
    if (/^\d+$/.test(text)) out += `[${text}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(text)) out += out ? `.${text}` : text;
    else out += `[${JSON.stringify(text)}]`;
  }
  return out || '(root)';
}
