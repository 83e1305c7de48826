/** A small well-formedness check: balanced tags, escaped text (no XML library needed). */
export function wellFormed(doc: string): boolean {
  const body = doc.replace(/^<\?xml[^>]*\?>\s*/, '');
  const stack: string[] = [];
  for (const m of body.matchAll(/<(\/?)([A-Za-z-]+)((?:\s+[A-Za-z-]+="[^"<]*")*)\s*(\/?)>|([^<]+)/g)) {
    if (m[5] !== undefined) {
      if (/&(?!amp;|lt;|gt;|quot;)/.test(m[5])) return false;
      continue;
    }
    if (m[1] === '/') {
      if (stack.pop() !== m[2]) return false;
    } else if (m[4] !== '/') stack.push(m[2]!);
  }
  return stack.length === 0 && body.replace(/<(\/?)([A-Za-z-]+)((?:\s+[A-Za-z-]+="[^"<]*")*)\s*(\/?)>|[^<]+/g, '') === '';
}
