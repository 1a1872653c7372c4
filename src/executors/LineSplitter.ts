/**
 * Splits a byte stream into lines as they arrive. Decoding is streaming, so a UTF-8 character
 * split across two chunks stays whole; a trailing `\r` (CRLF output) is dropped.
 */
import { StringDecoder } from "node:string_decoder";

export class LineSplitter {
  private readonly decoder = new StringDecoder("utf8");
  private partial = "";

  constructor(private readonly onLine: (line: string) => void) {}

  push(chunk: Buffer): void {
    const lines = (this.partial + this.decoder.write(chunk)).split("\n");
    this.partial = lines.pop() ?? "";
    for (const l of lines) this.onLine(l.endsWith("\r") ? l.slice(0, -1) : l);
  }

  /** Emits a final unterminated line, if any. */
  end(): void {
    const rest = this.partial + this.decoder.end();
    this.partial = "";
    if (rest.length > 0) this.onLine(rest.endsWith("\r") ? rest.slice(0, -1) : rest);
  }
}
