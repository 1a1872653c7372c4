/**
 * Buffered stdout: a burst of thousands of event lines costs one write per 64 KB instead of one
 * each, yet nothing waits long — a pending buffer is flushed within FLUSH_MS, so `--json`
 * consumers and CI logs see each event as it happens.
 */
const FLUSH_MS = 15;

export const bufferedStdout = () => {
  let buf = "";
  let timer: NodeJS.Timeout | undefined;
  const flush = () => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buf.length) {
      process.stdout.write(buf);
      buf = "";
    }
  };
  return {
    write(s: string) {
      buf += s;
      if (buf.length > 65536) flush();
      else if (!timer) timer = setTimeout(flush, FLUSH_MS);
    },
    flush,
  };
};
