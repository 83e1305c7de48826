/**
 * Text made safe inside XML or HTML, in elements and in double-quoted attributes: the
 * JUnit report and the HTML report write capture-derived text (explanations, file
 * names, warnings) with it. Control characters XML 1.0 cannot hold are dropped.
 */
export function escapeMarkup(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, '');
}
