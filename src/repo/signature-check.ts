// Checking many Ed25519 signatures at once (audit verify of a long trail): ~100 µs each, so 100,000 lines
// are spread over worker threads. Synchronous for the caller: the main thread checks its own share, then
// waits on a shared counter; whatever a worker did not finish in time is checked inline.
import { availableParallelism } from "node:os";
import { verifySignature } from "../crypto/keys.js";

export interface SignatureJob {
  /** "ed25519:<base64>" as on a team card. */
  key: string;
  message: Buffer;
  sig: string;
}

/** Below this many jobs a worker's start-up costs more than it saves. */
const PARALLEL_FROM = 4000;

const WORKER = `
const { workerData: d } = require("node:worker_threads");
const { createPublicKey, verify } = require("node:crypto");
const spki = Buffer.from("302a300506032b6570032100", "hex");
const keys = d.keys.map((k) => { try { return createPublicKey({ key: Buffer.concat([spki, Buffer.from(k.slice(8), "base64")]), format: "der", type: "spki" }); } catch { return null; } });
const res = new Int32Array(d.res);
for (let i = 0; i < d.messages.length; i++) {
  const key = keys[d.keyIndex[i]];
  let ok = false;
  try { ok = key !== null && /^[A-Za-z0-9+/]{86}==$/.test(d.sigs[i]) && verify(null, d.messages[i], key, Buffer.from(d.sigs[i], "base64")); } catch { ok = false; }
  res[d.from + i] = ok ? 1 : 2;
}
const done = new Int32Array(d.done);
Atomics.add(done, 0, 1);
Atomics.notify(done, 0);
`;

function startWorkers(jobs: SignatureJob[], res: Int32Array, done: Int32Array, workers: number, share: number): number {
  const { Worker } = process.getBuiltinModule("node:worker_threads");
  let started = 0;
  for (let w = 0; w < workers; w++) {
    const from = (w + 1) * share;
    const slice = jobs.slice(from, from + share);
    if (slice.length === 0) break;
    const keys = [...new Set(slice.map((j) => j.key))];
    const workerData = { keys, keyIndex: slice.map((j) => keys.indexOf(j.key)), messages: slice.map((j) => j.message), sigs: slice.map((j) => j.sig), from, res: res.buffer, done: done.buffer };
    try {
      new Worker(WORKER, { eval: true, workerData }).unref();
      started++;
    } catch {
      break; // no threads here: the rest is checked inline below
    }
  }
  return started;
}

/** One verdict per job, in order. */
export function checkSignatures(jobs: SignatureJob[]): boolean[] {
  const inline = (j: SignatureJob) => verifySignature(j.key, j.message, j.sig);
  const workers = Math.min(availableParallelism() - 1, 3);
  if (jobs.length < PARALLEL_FROM || workers < 1) return jobs.map(inline);
  const res = new Int32Array(new SharedArrayBuffer(4 * jobs.length));
  const done = new Int32Array(new SharedArrayBuffer(4));
  const share = Math.ceil(jobs.length / (workers + 1));
  const started = startWorkers(jobs, res, done, workers, share);
  for (let i = 0; i < share; i++) res[i] = inline(jobs[i]!) ? 1 : 2;
  // A worker that died never counts itself done: stop waiting after a generous bound and finish inline.
  const deadline = Date.now() + 10_000 + jobs.length;
  for (let n = Atomics.load(done, 0); n < started && Date.now() < deadline; n = Atomics.load(done, 0)) Atomics.wait(done, 0, n, 200);
  return jobs.map((j, i) => (res[i] === 0 ? inline(j) : res[i] === 1));
}
