/**
 * The durability barrier. A committed lineage row only becomes durable (survives power loss) when
 * SQLite syncs the WAL, which with `synchronous=NORMAL` happens at checkpoints — and cairn runs
 * every checkpoint itself (autocheckpoint is off). So the barrier fsyncs all objects written since
 * the last one, in one concurrent batch, and only then checkpoints: objects are always durable
 * before the rows that name them, at the cost of one batch of fsyncs per barrier instead of
 * several fsyncs per task (which dominated the cold run). A killed engine (kill -9) loses
 * nothing either way: the page cache and the WAL file outlive the process.
 */
import type { LocalArtifactStore } from "../store/LocalArtifactStore.js";
import type { LineageStore } from "../lineage/LineageStore.js";

/** A barrier runs after this many commits, or at the latest this long after the first unbarriered one. */
const EVERY_COMMITS = 256;
const EVERY_MS = 1000;

export class Durability {
  private since = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Barriers run one after another; this is the tail of that chain. */
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(private readonly store: LocalArtifactStore, private readonly lineage: LineageStore) {}

  /** A task's result was committed. */
  committed(): void {
    if (this.closed) return;
    this.since++;
    if (this.since >= EVERY_COMMITS) void this.barrier().catch(() => {});
    else if (!this.timer) {
      this.timer = setTimeout(() => void this.barrier().catch(() => {}), EVERY_MS);
      this.timer.unref();
    }
  }

  /** Flushes objects, then checkpoints. Concurrent calls queue behind each other. */
  barrier(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.since = 0;
    this.chain = this.chain.then(async () => {
      if (this.closed) return;
      await this.store.flush();
      this.lineage.checkpoint();
    });
    return this.chain;
  }

  /** The last barrier; afterwards the store may be closed. */
  async close(): Promise<void> {
    await this.barrier();
    this.closed = true;
  }
}
