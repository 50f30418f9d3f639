// Syslog forwarding end to end: real UDP, TCP and TLS listeners on 127.0.0.1 receive RFC 5424 messages
// carrying the signed lines; a target that is down or silent costs at most the timeout and is recorded.
import { execaSync } from "execa";
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer as createTcpServer, type AddressInfo, type Server } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import { createServer as createTlsServer } from "node:tls";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { auditFileFor } from "../../src/core/audit-line.js";
import { awsWorld, readRepoFile, SEEDS, type World } from "../helpers/world.js";

let w: World;
beforeAll(async () => {
  w = await awsWorld();
});
afterAll(() => w.cleanup());

const closers: (() => void)[] = [];
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

function setAudit(audit: Record<string, unknown>): void {
  const config = JSON.parse(readRepoFile(w, "mfavault.json"));
  writeFileSync(join(w.repo, "mfavault.json"), JSON.stringify({ ...config, audit }, null, 2));
  w.git(["commit", "-qm", "audit settings", "mfavault.json"]);
}

function lastLines(n: number): string[] {
  return readRepoFile(w, auditFileFor("alice", new Date())).split("\n").slice(0, -1).slice(-n);
}

interface Rfc5424 {
  pri: number;
  timestamp: string;
  host: string;
  app: string;
  procid: string;
  msgid: string;
  sd: string;
  msg: string;
}

function parse5424(text: string): Rfc5424 {
  const m = /^<(\d{1,3})>1 (\S+) (\S+) (\S+) (\S+) (\S+) (\[(?:[^\]\\]|\\.)*\]|-) ([\s\S]*)$/.exec(text);
  if (!m) throw new Error(`not RFC 5424: ${text}`);
  return { pri: Number(m[1]), timestamp: m[2]!, host: m[3]!, app: m[4]!, procid: m[5]!, msgid: m[6]!, sd: m[7]!, msg: m[8]! };
}

/** RFC 6587 octet-counting frames from a byte stream. */
function frames(data: Buffer): string[] {
  const out: string[] = [];
  let rest = data;
  while (rest.length > 0) {
    const sp = rest.indexOf(0x20);
    const len = Number(rest.subarray(0, sp).toString());
    expect(Number.isInteger(len) && len > 0).toBe(true);
    out.push(rest.subarray(sp + 1, sp + 1 + len).toString("utf8"));
    rest = rest.subarray(sp + 1 + len);
  }
  return out;
}

function expectMessageFor(message: string, line: string): void {
  const m = parse5424(message);
  const parsed = JSON.parse(line);
  expect(m).toMatchObject({ app: "mfavault", timestamp: parsed.ts, host: hostname(), msgid: parsed.action, msg: line });
  expect(m.pri).toBe(13 * 8 + (parsed.action === "code" ? 6 : 5));
  expect(m.procid).toMatch(/^\d+$/);
  expect(m.sd).toBe(`[mfavault@32473 engineer="alice" seq="${parsed.seq}" action="${parsed.action}" target="${parsed.target}"]`);
}

async function udpListener(): Promise<{ port: number; messages: string[]; next: () => Promise<string> }> {
  const socket: UdpSocket = createSocket("udp4");
  const messages: string[] = [];
  let waiting: ((m: string) => void) | null = null;
  socket.on("message", (m) => {
    messages.push(m.toString("utf8"));
    waiting?.(m.toString("utf8"));
  });
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", r));
  closers.push(() => socket.close());
  const next = () =>
    new Promise<string>((resolve, reject) => {
      if (messages.length > 0) return resolve(messages.shift()!);
      const t = setTimeout(() => reject(new Error("no UDP message")), 5000);
      waiting = (m) => {
        clearTimeout(t);
        messages.shift();
        resolve(m);
      };
    });
  return { port: socket.address().port, messages, next };
}

/** Starts a stream server (TCP, or TLS) on an ephemeral port of 127.0.0.1, closed after the test. */
async function listen(server: Server): Promise<number> {
  server.on("connection", (c) => c.on("error", () => {}));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(() => server.close());
  return (server.address() as AddressInfo).port;
}

function tcpServer(chunks: Buffer[]): Server {
  return createTcpServer((s) => s.on("data", (d) => chunks.push(d)));
}

async function settle(check: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
}

describe("syslog forwarding", () => {
  it("sends each line to a UDP listener as an RFC 5424 message carrying the signed line", async () => {
    const udp = await udpListener();
    setAudit({ syslog: `udp://127.0.0.1:${udp.port}` });
    const r = await w.run("alice", ["code", "acme/aws"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\d{6}$/);
    expect(r.stderr).toBe("");
    expectMessageFor(await udp.next(), lastLines(1)[0]!);
  });

  it("sends reads and changes to a TCP listener with octet-counting framing", async () => {
    const chunks: Buffer[] = [];
    const server = tcpServer(chunks);
    const port = await listen(server);
    setAudit({ syslog: `tcp://127.0.0.1:${port}` });
    expect((await w.run("alice", ["code", "acme/aws"])).exitCode).toBe(0);
    expect((await w.run("alice", ["show", "acme/aws", "--reveal"])).exitCode).toBe(0);
    expect((await w.run("alice", ["add", "acme/github", "--secret-stdin"], { input: SEEDS.github })).exitCode).toBe(0);
    await settle(() => frames(Buffer.concat(chunks)).length >= 3);
    const got = frames(Buffer.concat(chunks));
    expect(got).toHaveLength(3);
    const written = lastLines(3);
    got.forEach((m, i) => expectMessageFor(m, written[i]!));
    expect(got.map((m) => parse5424(m).msgid)).toEqual(["code", "reveal", "add"]);
  });

  it("sends over TLS to a listener whose certificate is trusted", async () => {
    const key = join(w.dir, "syslog.key");
    const cert = join(w.dir, "syslog.crt");
    execaSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"]);
    const chunks: Buffer[] = [];
    const server = createTlsServer({ key: readFileSync(key), cert: readFileSync(cert) }, (s) => s.on("data", (d: Buffer) => chunks.push(d)));
    const port = await listen(server as unknown as Server);
    setAudit({ syslog: `tls://127.0.0.1:${port}` });
    const r = await w.run("alice", ["code", "acme/aws"], { env: { NODE_EXTRA_CA_CERTS: cert } });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    await settle(() => chunks.length > 0);
    const got = frames(Buffer.concat(chunks));
    expect(got).toHaveLength(1);
    expectMessageFor(got[0]!, lastLines(1)[0]!);

    // Without trusting that certificate, the line is not sent, and that is recorded.
    const untrusted = await w.run("alice", ["code", "acme/aws"]);
    expect(untrusted.exitCode).toBe(0);
    expect(untrusted.stderr).toMatch(/not forwarded to tls:\/\/127\.0\.0\.1:\d+ \((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE)\)/);
  });

  it("shows the code when the target refuses, warns, and records the undelivered line", async () => {
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    setAudit({ syslog: `tcp://127.0.0.1:${port}` });
    const r = await w.run("alice", ["code", "acme/aws"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\d{6}$/);
    expect(r.stderr).toMatch(new RegExp(`warning: audit line (\\d+) of alice was not forwarded to tcp://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\); it is safe in audit/alice/`));
    const [read, note] = lastLines(2).map((l) => JSON.parse(l));
    expect(read.action).toBe("code");
    expect(note).toMatchObject({ action: "syslog-undelivered", target: `tcp://127.0.0.1:${port}`, seq: read.seq + 1, details: { seq: read.seq, error: "ECONNREFUSED" } });
    expect(w.git(["status", "--porcelain"])).toBe("");
    expect((await w.run(null, ["audit", "verify"])).exitCode).toBe(0);
  });

  it("does not hold a code read longer than the timeout when the target never answers", async () => {
    // A TLS target whose server accepts the connection and then says nothing: the handshake never ends.
    const silent = createTcpServer(() => {});
    const port = await listen(silent);
    setAudit({ syslog: `tls://127.0.0.1:${port}` });
    const t0 = Date.now();
    const r = await w.run("alice", ["code", "acme/aws"]);
    const slow = Date.now() - t0;
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\d{6}$/);
    expect(r.stderr).toMatch(/\(no answer within 300 ms\)/);
    expect(slow).toBeLessThan(3000);

    setAudit({ syslog: `tls://127.0.0.1:${port}`, syslogTimeoutMs: 50 });
    const quick = await w.run("alice", ["code", "acme/aws"]);
    expect(quick.stderr).toMatch(/\(no answer within 50 ms\)/);
    expect(JSON.parse(lastLines(1)[0]!)).toMatchObject({ action: "syslog-undelivered", details: { error: "no answer within 50 ms" } });
  });

  it("reports a target it cannot understand, and still shows the code", async () => {
    setAudit({ syslog: "http://127.0.0.1:514" });
    const r = await w.run("alice", ["code", "acme/aws"]);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^\d{6}$/);
    expect(r.stderr).toMatch(/is not a syslog target: expected "udp:\/\/host:port"/);
  });

  it("loads no socket code when no target is configured", async () => {
    const hook = join(w.dir, "loaded.cjs");
    writeFileSync(hook, 'process.on("exit", () => require("fs").writeFileSync(process.env.LOADED_LIST, process.moduleLoadList.join("\\n")));\n');
    const loaded = async (name: string) => {
      const list = join(w.dir, name);
      const r = await w.run("alice", ["code", "acme/aws"], { env: { NODE_OPTIONS: `--require ${hook}`, LOADED_LIST: list } });
      expect(r.exitCode, r.stderr).toBe(0);
      return readFileSync(list, "utf8").split("\n");
    };
    setAudit({});
    expect(await loaded("off.txt")).not.toContain("NativeModule tls");
    // The control: with a TLS target (refusing, here) the syslog code runs and loads node:tls.
    const closed = createTcpServer();
    const port = await listen(closed);
    closed.close();
    setAudit({ syslog: `tls://127.0.0.1:${port}` });
    expect(await loaded("on.txt")).toContain("NativeModule tls");
  });
});
