/**
 * JSON made safe inside a <script> element: `<` escaped so that no `</script>` or `<!--`
 * in the data (a capture's text could hold one) ends or changes the element.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}
