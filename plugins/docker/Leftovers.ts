/**
 * Removes containers a crashed cairn run left behind. A container is a leftover when it belongs
 * to this project, to another run, and its owning cairn process on this machine is gone.
 */
import { hostname } from "node:os";
import type Dockerode from "dockerode";
import { engineCall, statusOf, type EngineAddress } from "./DockerClient.js";
import { engineGet, labelFilter } from "./EngineGet.js";
import { LABEL_OWNER_HOST, LABEL_OWNER_PID, LABEL_PROJECT, LABEL_RUN } from "./Labels.js";

/** True when a process with this pid exists (signal 0 checks without signalling). */
const processAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Finds and force-removes leftovers of `projectDir`; returns the names removed. Containers owned
 * by another machine are left alone: their owner may still be running there.
 */
export const removeLeftovers = async (
  docker: () => Promise<Dockerode>,
  address: EngineAddress,
  projectDir: string,
  runId: string,
): Promise<string[]> => {
  const label = `${LABEL_PROJECT}=${projectDir}`;
  const containers = await engineCall("list containers", undefined, address, () =>
    engineGet(address, `/containers/json?all=1&${labelFilter([label])}`, async () =>
      (await docker()).listContainers({ all: true, filters: JSON.stringify({ label: [label] }) }),
    ),
  );
  const here = hostname();
  const removed: string[] = [];
  for (const c of containers) {
    const labels = c.Labels ?? {};
    if (labels[LABEL_RUN] === runId) continue;
    if (labels[LABEL_OWNER_HOST] !== here) continue;
    const pid = Number(labels[LABEL_OWNER_PID]);
    // This process's own containers (an earlier watch-mode run still finishing) are removed by
    // the run that started them.
    if (pid === process.pid) continue;
    if (Number.isInteger(pid) && pid > 0 && processAlive(pid)) continue;
    try {
      await (await docker()).getContainer(c.Id).remove({ force: true, v: true });
      removed.push((c.Names?.[0] ?? c.Id).replace(/^\//, ""));
    } catch (e) {
      const s = statusOf(e);
      if (s !== 404 && s !== 409) throw e;
    }
  }
  return removed;
};
