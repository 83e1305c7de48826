/**
 * For deciding whether `text`, as UTF-8, fits in `room` bytes: more than `room` exactly
 * when it does not. When even 3 bytes per UTF-16 unit (UTF-8's most) would fit, that
 * is known without a pass over the text and its UTF-16 length is returned; otherwise
 * its exact UTF-8 length.
 */
export function sizeForRoom(text: string, room: number): number {
  return text.length * 3 <= room ? text.length : Buffer.byteLength(text);
}
