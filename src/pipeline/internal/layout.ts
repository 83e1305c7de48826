/**
 * The shape of a plain record (numbers, strings, booleans, null, arrays, objects of
 * known keys), declared once per record type and checked against it by the compiler.
 * Code is compiled from it: the packed codec (packed.ts) and the JSON writer
 * (json-bytes.ts). Layouts are constants in the source, never input.
 */
/**
 * `unique-string`: a string that differs from record to record (a hash), written out
 * rather than interned: it would only fill the packed codec's table.
 */
export type Layout = 'number' | 'string' | 'unique-string' | 'boolean' | { nullable: Layout } | { list: Layout } | { object: { [key: string]: Layout } };

/**
 * The layout of a T: every key of an object must be described, so a field added to a
 * record type and not to its layout fails to compile.
 */
export type LayoutOf<T> = [null] extends [T]
  ? { nullable: LayoutOf<Exclude<T, null>> }
  : [T] extends [number]
    ? 'number'
    : [T] extends [string]
      ? 'string' | 'unique-string'
      : [T] extends [boolean]
        ? 'boolean'
        : [T] extends [readonly (infer E)[]]
          ? { list: LayoutOf<E> }
          : { object: { [K in keyof T]-?: LayoutOf<T[K]> } };
