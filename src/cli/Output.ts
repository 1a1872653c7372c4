/** Buffered stdout: thousands of event lines cost one write per 64 KB instead of one each. */
export const bufferedStdout = () => {
  let buf = "";
  const flush = () => {
    if (buf.length) {
      process.stdout.write(buf);
      buf = "";
    }
  };
  return {
    write(s: string) {
      buf += s;
      if (buf.length > 65536) flush();
    },
    flush,
  };
};
