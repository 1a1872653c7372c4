/**
 * A tagged error class factory with the shape of Effect's `Data.TaggedError` — `new E({ …fields })`,
 * `_tag`, structural fields — but without importing Effect, which costs ~140 ms of start-up on
 * paths (hashing, planning) that a no-op run takes.
 */
export const TaggedError = <Tag extends string>(tag: Tag) => {
  class Base extends Error {
    readonly _tag: Tag = tag;
    constructor(args: object) {
      // No message passed: subclasses define `message` as a getter over their fields.
      super();
      Object.assign(this, args);
      this.name = tag;
    }
  }
  return Base as unknown as new <A extends Record<string, unknown>>(args: A) => Error & { readonly _tag: Tag } & Readonly<A>;
};
