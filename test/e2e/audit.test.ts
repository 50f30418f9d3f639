// The audit trail end to end, from the built CLI against real git repos: tampering caught with file:line,
// parallel reads chained, stale locks taken over, no code when the line cannot be written, log and
// exports parsed back.
import { parse as parseCsv } from "csv-parse/sync";
import { execa, execaSync } from "execa";
import { chmodSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditFileFor, buildAuditLine, hashLine, parseAuditLine } from "../../src/core/audit-line.js";
import { deriveSigningKey, parseIdentityFile } from "../../src/crypto/keys.js";
import { parseCef } from "../helpers/cef.js";
import { baseEnv, BIN, readRepoFile, SEEDS, teamWorld, type World } from "../helpers/world.js";

let w: World;
beforeAll(async () => {
  w = await teamWorld(["alice", "bob", "carol"]);
  for (const args of [
    ["client", "add", "acme", "--grant", "bob"],
    ["client", "add", "hooli"],
  ]) {
    const r = await w.run("alice", args);
    if (r.exitCode !== 0) throw new Error(r.stderr);
  }
  await w.run("alice", ["add", "acme/aws", "--secret-stdin", "--issuer", "=cmd|' /C calc'!A0"], { input: SEEDS.aws });
  await w.run("alice", ["add", "hooli/github", "--secret-stdin"], { input: SEEDS.github });
  for (const [who, entry] of [
    ["alice", "acme/aws"],
    ["alice", "hooli/github"],
    ["bob", "acme/aws"],
    ["alice", "acme/aws"],
    ["bob", "acme/aws"],
  ] as const) {
    const r = await w.run(who, ["code", entry]);
    if (r.exitCode !== 0) throw new Error(r.stderr);
  }
});
afterAll(() => w.cleanup());

/** The engineer's newest month file, repository-relative. */
function monthFile(engineer: string): string {
  const files = readdirSync(join(w.repo, "audit", engineer)).sort();
  return `audit/${engineer}/${files[files.length - 1]}`;
}

function lines(file: string): string[] {
  return readRepoFile(w, file).split("\n").slice(0, -1);
}

/** Rewrites a file for one check and puts the original back afterwards. */
async function tampered(file: string, edit: (lines: string[]) => string[], check: (findings: { file: string; line?: number; check: string; message: string }[], text: string) => void) {
  const original = readRepoFile(w, file);
  try {
    writeFileSync(join(w.repo, file), edit(original.split("\n").slice(0, -1)).map((l) => `${l}\n`).join(""));
    const json = await w.run(null, ["audit", "verify", "--json"]);
    expect(json.exitCode, json.stderr).toBe(6);
    const text = await w.run(null, ["audit", "verify"]);
    expect(text.exitCode).toBe(6);
    check(JSON.parse(json.stdout).findings, text.stdout);
  } finally {
    writeFileSync(join(w.repo, file), original);
  }
}

function keyOf(engineer: string) {
  return deriveSigningKey(parseIdentityFile(readFileSync(w.engineers.get(engineer)!.keyFile, "utf8"))[0]!);
}

describe("audit verify", () => {
  it("verifies every line of every engineer, with no private key", async () => {
    const r = await w.run(null, ["audit", "verify", "--json"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, engineers: 2, findings: [] });
    expect(JSON.parse(r.stdout).lines).toBe(lines(monthFile("alice")).length + lines(monthFile("bob")).length);
    expect((await w.run(null, ["audit", "verify"])).stdout).toMatch(/^audit trail ok: \d+ lines from 2 engineers/);
  });

  it("names an edited line by file:line", async () => {
    const f = monthFile("alice");
    const n = lines(f).findIndex((l) => l.includes('"action":"code"'));
    await tampered(f, (ls) => ls.map((l, i) => (i === n ? l.replace('"target":"acme/aws"', '"target":"acme/gcp"') : l)), (findings, text) => {
      expect(findings).toEqual([expect.objectContaining({ file: f, line: n + 1, check: "audit-signature" })]);
      expect(text).toContain(`${f}:${n + 1}: line signature does not verify`);
    });
  });

  it("names the line after a deleted middle line", async () => {
    const f = monthFile("alice");
    await tampered(f, (ls) => ls.filter((_, i) => i !== 3), (findings) => {
      expect(findings).toEqual([expect.objectContaining({ file: f, line: 4, check: "audit-sequence" })]);
    });
  });

  it("names reordered lines", async () => {
    const f = monthFile("alice");
    await tampered(f, (ls) => [...ls.slice(0, 4), ls[5]!, ls[4]!, ...ls.slice(6)], (findings) => {
      expect(findings).toEqual([expect.objectContaining({ file: f, line: 5, check: "audit-sequence" })]);
    });
  });

  it("names a line signed by someone else in the engineer's name", async () => {
    const f = monthFile("alice");
    const last = lines(f).at(-1)!;
    const head = { seq: parseAuditLine(last, "last").seq, hash: hashLine(last) };
    const forged = buildAuditLine({ action: "code", target: "hooli/github" }, { engineer: "alice", host: "elsewhere", now: new Date(), head }, keyOf("bob")).text;
    const n = lines(f).length + 1;
    await tampered(f, (ls) => [...ls, forged], (findings) => {
      expect(findings).toEqual([expect.objectContaining({ file: f, line: n, check: "audit-signature" })]);
    });
  });

  it("names a line copied from another engineer's file", async () => {
    const f = monthFile("alice");
    const n = lines(f).length + 1;
    await tampered(f, (ls) => [...ls, lines(monthFile("bob"))[0]!], (findings) => {
      expect(findings[0]).toMatchObject({ file: f, line: n });
      expect(["audit-engineer", "audit-sequence"]).toContain(findings[0]!.check);
    });
  });

  it("follows the chain across a month boundary and names a break in the later file", async () => {
    // carol's history, written with her own key: two lines in one past month, one in the next.
    const key = keyOf("carol");
    const texts: string[] = [];
    let head = { seq: 0, hash: "0".repeat(64) };
    for (const t of ["2025-11-29T10:00:00.000Z", "2025-11-30T23:59:59.000Z", "2025-12-01T00:00:01.000Z"]) {
      const { text } = buildAuditLine({ action: "code", target: "acme/aws" }, { engineer: "carol", host: "h", now: new Date(t), head }, key);
      texts.push(text);
      head = { seq: head.seq + 1, hash: hashLine(text) };
    }
    mkdirSync(join(w.repo, "audit/carol"), { recursive: true });
    writeFileSync(join(w.repo, "audit/carol/2025-11.jsonl"), `${texts[0]}\n${texts[1]}\n`);
    writeFileSync(join(w.repo, "audit/carol/2025-12.jsonl"), `${texts[2]}\n`);
    w.git(["add", "audit/carol"]);
    w.git(["commit", "-qm", "carol's history"]);
    // carol's next line chains onto December's last line, in this month's file.
    expect((await w.run("alice", ["client", "add", "initech", "--grant", "carol"])).exitCode).toBe(0);
    await w.run("alice", ["add", "initech/vpn", "--secret-stdin"], { input: SEEDS.long });
    const r = await w.run("carol", ["code", "initech/vpn"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const first = parseAuditLine(lines(auditFileFor("carol", new Date()))[0]!, "carol");
    expect(first).toMatchObject({ seq: 4, prev: hashLine(texts[2]!) });
    expect((await w.run(null, ["audit", "verify"])).exitCode).toBe(0);

    await tampered("audit/carol/2025-11.jsonl", (ls) => ls.slice(0, 1), (findings) => {
      expect(findings).toEqual([expect.objectContaining({ file: "audit/carol/2025-12.jsonl", line: 1, check: "audit-sequence" })]);
    });
  });

  it("still verifies the lines of an engineer whose card is marked removed", async () => {
    const card = readRepoFile(w, "team/bob.json");
    try {
      writeFileSync(join(w.repo, "team/bob.json"), JSON.stringify({ ...JSON.parse(card), status: "removed", removed: "2026-01-01T00:00:00Z" }));
      const r = await w.run(null, ["audit", "verify", "--json"]);
      expect(r.exitCode, r.stdout).toBe(0);
      expect(JSON.parse(r.stdout).ok).toBe(true);
    } finally {
      writeFileSync(join(w.repo, "team/bob.json"), card);
    }
  });

  it("reports an audit folder with no team card, stray files and symbolic links", async () => {
    mkdirSync(join(w.repo, "audit/mallory"));
    writeFileSync(join(w.repo, "audit/mallory/2026-01.jsonl"), "{}\n");
    writeFileSync(join(w.repo, "audit/alice/notes.txt"), "hidden\n");
    symlinkSync(join(w.dir, "elsewhere.jsonl"), join(w.repo, "audit/alice/2020-01.jsonl"));
    try {
      const r = await w.run(null, ["audit", "verify", "--json"]);
      expect(r.exitCode).toBe(6);
      const findings = JSON.parse(r.stdout).findings;
      expect(findings).toContainEqual(expect.objectContaining({ file: "audit/mallory/2026-01.jsonl", check: "audit-card" }));
      expect(findings).toContainEqual(expect.objectContaining({ file: "audit/alice/notes.txt", check: "audit-layout" }));
      expect(findings).toContainEqual(expect.objectContaining({ file: "audit/alice/2020-01.jsonl", check: "audit-layout" }));
    } finally {
      rmSync(join(w.repo, "audit/mallory"), { recursive: true });
      rmSync(join(w.repo, "audit/alice/notes.txt"));
      rmSync(join(w.repo, "audit/alice/2020-01.jsonl"));
    }
  });

  it("cannot see a truncated tail, but git can", async () => {
    const f = monthFile("bob");
    const original = readRepoFile(w, f);
    try {
      writeFileSync(join(w.repo, f), lines(f).slice(0, -1).map((l) => `${l}\n`).join(""));
      expect((await w.run(null, ["audit", "verify"])).exitCode).toBe(0);
      expect(w.git(["diff", "--numstat", "--", f])).toMatch(/^0\t1\t/);
    } finally {
      writeFileSync(join(w.repo, f), original);
    }
  });
});

describe("concurrency", () => {
  it("gives six parallel reads by one engineer each their line and their commit, chained", async () => {
    const f = monthFile("alice");
    const before = lines(f).length;
    const commits = Number(w.git(["rev-list", "--count", "HEAD"]));
    const runs = await Promise.all(Array.from({ length: 6 }, () => w.run("alice", ["code", "acme/aws"])));
    for (const r of runs) {
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^\d{6}$/);
    }
    const after = lines(f).map((l) => parseAuditLine(l, f));
    expect(after).toHaveLength(before + 6);
    expect(after.map((l) => l.seq)).toEqual(after.map((_, i) => i + 1));
    expect(Number(w.git(["rev-list", "--count", "HEAD"]))).toBe(commits + 6);
    expect(w.git(["status", "--porcelain"])).toBe("");
    expect((await w.run(null, ["audit", "verify"])).exitCode).toBe(0);
  });

  it("serialises parallel reads by two engineers, each chain unbroken", async () => {
    const runs = await Promise.all(["alice", "bob", "alice", "bob", "alice", "bob"].map((who) => w.run(who, ["code", "acme/aws"])));
    for (const r of runs) expect(r.exitCode, r.stderr).toBe(0);
    expect(w.git(["status", "--porcelain"])).toBe("");
    expect((await w.run(null, ["audit", "verify"])).exitCode).toBe(0);
  });

  it("takes over a lock left by a process that is gone", async () => {
    const dead = execaSync("node", ["-e", "process.stdout.write(String(process.pid))"]).stdout;
    const lock = join(w.repo, ".git/mfavault.lock");
    writeFileSync(lock, `${dead} ${hostname()} ${Date.now()}`);
    const t0 = Date.now();
    const r = await w.run("alice", ["code", "acme/aws"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(() => statSync(lock)).toThrow();
  });

  it("takes over an empty lock file left by a process killed before it wrote its pid", async () => {
    const lock = join(w.repo, ".git/mfavault.lock");
    writeFileSync(lock, "");
    const old = new Date(Date.now() - 60_000);
    utimesSync(lock, old, old);
    const r = await w.run("alice", ["code", "acme/aws"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect((await w.run(null, ["audit", "verify"])).exitCode).toBe(0);
  });

  it("waits for a lock whose process is alive", async () => {
    const lock = join(w.repo, ".git/mfavault.lock");
    writeFileSync(lock, `${process.pid} ${hostname()} ${Date.now()}`);
    let done = false;
    const pending = w.run("alice", ["code", "acme/aws"]).then((r) => {
      done = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(done).toBe(false);
    rmSync(lock);
    const r = await pending;
    expect(r.exitCode, r.stderr).toBe(0);
  });
});

describe("fail closed: no line, no code", () => {
  async function refused(how: () => () => void, run?: () => Promise<{ exitCode: number; stdout: string; stderr: string }>) {
    const head = w.git(["rev-parse", "HEAD"]);
    const undo = how();
    try {
      const r = run ? await run() : await w.run("alice", ["code", "acme/aws"]);
      expect(r.exitCode).not.toBe(0);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/no audit line, no code/);
      expect(w.git(["rev-parse", "HEAD"])).toBe(head);
    } finally {
      undo();
    }
    expect((await w.run("alice", ["code", "acme/aws"])).exitCode).toBe(0);
    expect((await w.run(null, ["audit", "verify"])).exitCode).toBe(0);
  }

  // Tests run as root in CI, and root writes through chmod: each case below fails for root too.
  it("prints no code when this month's audit file cannot be opened for writing (a directory in its place)", async () => {
    const f = join(w.repo, auditFileFor("alice", new Date()));
    await refused(() => {
      renameSync(f, `${f}.keep`);
      mkdirSync(f);
      return () => {
        rmSync(f, { recursive: true });
        renameSync(`${f}.keep`, f);
      };
    });
  });

  it("prints no code when the engineer's audit folder cannot be created (a file in its place)", async () => {
    const dir = join(w.repo, "audit/alice");
    await refused(() => {
      renameSync(dir, `${dir}.keep`);
      writeFileSync(dir, "");
      return () => {
        rmSync(dir);
        renameSync(`${dir}.keep`, dir);
      };
    });
  });

  it("prints no code when the disk takes no more bytes (file size limit: EFBIG)", async () => {
    expect(statSync(join(w.repo, auditFileFor("alice", new Date()))).size).toBeGreaterThan(1024);
    const env = { ...baseEnv(w.home), MFAVAULT_DIR: w.repo, MFAVAULT_IDENTITY_FILE: w.engineers.get("alice")!.keyFile };
    await refused(
      () => () => {},
      async () => {
        const r = await execa("sh", ["-c", 'ulimit -f 1 && exec node "$@"', "sh", BIN, "code", "acme/aws"], { env, extendEnv: false, reject: false });
        return { exitCode: r.exitCode ?? 1, stdout: String(r.stdout), stderr: String(r.stderr) };
      },
    );
  });

  it("prints no code, and writes nothing through it, when this month's audit file is a symbolic link", async () => {
    const f = join(w.repo, auditFileFor("alice", new Date()));
    const outside = join(w.dir, "bashrc");
    writeFileSync(outside, "# not an audit file\n");
    await refused(() => {
      renameSync(f, `${f}.keep`);
      symlinkSync(outside, f);
      return () => {
        rmSync(f);
        renameSync(`${f}.keep`, f);
      };
    });
    expect(readFileSync(outside, "utf8")).toBe("# not an audit file\n");
  });

  it.skipIf(process.getuid?.() === 0)("prints no code when the audit folder is read-only (not as root: root ignores modes)", async () => {
    const dir = join(w.repo, "audit/alice");
    await refused(() => {
      chmodSync(dir, 0o555);
      chmodSync(join(w.repo, auditFileFor("alice", new Date())), 0o444);
      return () => {
        chmodSync(dir, 0o755);
        chmodSync(join(w.repo, auditFileFor("alice", new Date())), 0o644);
      };
    });
  });

  it("reveals no seed when the line cannot be written", async () => {
    const f = join(w.repo, auditFileFor("alice", new Date()));
    await refused(
      () => {
        renameSync(f, `${f}.keep`);
        mkdirSync(f);
        return () => {
          rmSync(f, { recursive: true });
          renameSync(`${f}.keep`, f);
        };
      },
      () => w.run("alice", ["show", "acme/aws", "--reveal"]),
    );
  });
});

describe("audit log and export", () => {
  it("filters by client, engineer and action, as a table or JSON lines", async () => {
    const table = await w.run(null, ["audit", "log", "--client", "hooli"]);
    expect(table.exitCode, table.stderr).toBe(0);
    const rows = table.stdout.trim().split("\n");
    expect(rows[0]).toMatch(/^TIME\s+ENGINEER\s+ACTION\s+TARGET\s+HOST/);
    expect(rows.slice(1).every((r) => /\shooli(\/\S+)?\s/.test(r))).toBe(true);
    expect(rows.length).toBeGreaterThanOrEqual(4); // client-add, add, code

    const json = await w.run(null, ["audit", "log", "--engineer", "bob", "--action", "code", "--json"]);
    const objs = json.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(objs.length).toBeGreaterThanOrEqual(2);
    for (const o of objs) expect(o).toMatchObject({ engineer: "bob", action: "code", at: expect.stringMatching(/^audit\/bob\/\d{4}-\d{2}\.jsonl:\d+$/) });
  });

  it("filters by time: relative spans and dates", async () => {
    const hourAgo = new Date(Date.now() - 3_600_000).toISOString();
    const all = (await w.run(null, ["audit", "log", "--json"])).stdout.trim().split("\n");
    const recent = all.filter((l) => JSON.parse(l).ts >= hourAgo);
    expect(recent.length).toBeLessThan(all.length); // carol's history is older
    expect((await w.run(null, ["audit", "log", "--json", "--since", "1h"])).stdout.trim().split("\n")).toEqual(recent);
    expect((await w.run(null, ["audit", "log", "--since", "2000-01-01", "--until", "2000-02-01"])).stdout).toBe("no audit lines match");
    const bad = await w.run(null, ["audit", "log", "--since", "last tuesday"]);
    expect(bad.exitCode).toBe(5);
    expect(bad.stderr).toMatch(/invalid time "last tuesday"/);
  });

  it("exports the signed lines as JSONL, byte for byte", async () => {
    const r = await w.run(null, ["audit", "export", "--format", "jsonl", "--engineer", "bob"]);
    expect(`${r.stdout}\n`).toBe(readRepoFile(w, monthFile("bob")));
  });

  it("exports CSV that parses back and that no spreadsheet runs", async () => {
    const out = join(w.dir, "audit.csv");
    const r = await w.run(null, ["audit", "export", "--format", "csv", "--out", out]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
    const rows = parseCsv(readFileSync(out, "utf8"), { columns: true }) as Record<string, string>[];
    const log = (await w.run(null, ["audit", "log", "--json"])).stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(rows.map((x) => [x.engineer, x.action, x.target, Number(x.seq)])).toEqual(log.map((l) => [l.engineer, l.action, l.target, l.seq]));
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it("exports CEF events, one a line, that parse back", async () => {
    const r = await w.run(null, ["audit", "export", "--format", "cef", "--since", "1d"]);
    const events = r.stdout.trim().split("\n");
    const log = (await w.run(null, ["audit", "log", "--json", "--since", "1d"])).stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(events).toHaveLength(log.length);
    events.forEach((e, i) => {
      expect(e.startsWith("CEF:0|mfavault|mfavault|")).toBe(true);
      const { header, ext } = parseCef(e);
      expect(header[4]).toBe(log[i].action);
      expect(ext).toMatchObject({ suser: log[i].engineer, act: log[i].action, cs1: log[i].target, cn1: String(log[i].seq), rt: String(Date.parse(log[i].ts)) });
    });
  });
});
