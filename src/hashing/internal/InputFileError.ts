/** Tagged errors for declared input files and directories that cannot be hashed (public through FileHasher.ts). */
import { TaggedError } from "../../errors/TaggedError.js";

/**
 * A declared input is not there, or is not the kind of thing it was declared as.
 * `reason`: "missing" (nothing at the path), "not-a-file" (a directory, FIFO, socket… where a
 * file was expected), "not-a-directory" (a file where `dir(...)` expected a directory).
 */
export class InputFileMissingError extends TaggedError("InputFileMissingError")<{
  readonly path: string;
  readonly reason: "missing" | "not-a-file" | "not-a-directory";
}> {
  override get message(): string {
    switch (this.reason) {
      case "missing":
        return `Input ${this.path} does not exist. Create it (or run the task that produces it), or fix the path in the task's inputs.`;
      case "not-a-file":
        return `Input ${this.path} is not a regular file. Declare a directory with dir(...), or point file(...) at a file.`;
      case "not-a-directory":
        return `Input ${this.path} is not a directory. Declare a single file with file(...), or point dir(...) at a directory.`;
    }
  }
}

/**
 * A declared input exists but its bytes could not be hashed.
 * `reason`: "permission" (not readable by this user), "changing" (it kept changing while it was
 * read, e.g. a download still in progress), "io" (any other read error; `detail` has the system's text).
 */
export class InputFileUnreadableError extends TaggedError("InputFileUnreadableError")<{
  readonly path: string;
  readonly reason: "permission" | "changing" | "io";
  readonly detail: string;
}> {
  override get message(): string {
    switch (this.reason) {
      case "permission":
        return `Input ${this.path} cannot be read by this user (${this.detail}). Fix its permissions, e.g. chmod u+r.`;
      case "changing":
        return `Input ${this.path} kept changing while cairn hashed it (${this.detail}). Wait for whatever writes it to finish, then run again.`;
      case "io":
        return `Input ${this.path} could not be read: ${this.detail}. Check the disk or mount, then run again.`;
    }
  }
}

/** Turns a Node fs error met while reading `path` into one of the errors above (others pass through). */
export const fromFsError = (path: string, err: unknown): unknown => {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case "ENOENT":
    case "ENOTDIR":
      return new InputFileMissingError({ path, reason: "missing" });
    case "EISDIR":
      return new InputFileMissingError({ path, reason: "not-a-file" });
    case "EACCES":
    case "EPERM":
      return new InputFileUnreadableError({ path, reason: "permission", detail: code });
    case "ESHRUNK":
      return new InputFileUnreadableError({ path, reason: "changing", detail: "it became shorter while it was read" });
    default:
      return code === undefined ? err : new InputFileUnreadableError({ path, reason: "io", detail: String((err as Error).message) });
  }
};
