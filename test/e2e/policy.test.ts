// MSP policy end to end with the built CLI on real git repositories: vault settings inside the ciphertext,
// ticket-linked reads (refused without a terminal, accepted with --ticket or MFAVAULT_TICKET, recorded in
// the signed line), sealed break-glass vaults alerting a real syslog listener, rotation schedules
// evaluated with `status --now`, inherited seeds until rotated, and reads without a ticket found after a
// merge from a clone that had not seen the requirement.
import { execa } from "execa";
import { createSocket } from "node:dgram";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runOnPty } from "../helpers/pty.js";
import { ageDecrypt, baseEnv, oathtoolTotp, readRepoFile, SEEDS, teamWorld, type World } from "../helpers/world.js";

let w: World;
const ok = async (who: string, args: string[], opts: { input?: string; env?: Record<string, string | undefined> } = {}) => {
  const r = await w.run(who, args, opts);
  if (r.exitCode !== 0) throw new Error(`${args.join(" ")} exited ${r.exitCode}: ${r.stderr}`);
  return r;
};
const head = () => w.git(["rev-parse", "HEAD"]);
const clean = () => expect(w.git(["status", "--porcelain"])).toBe("");

/** The engineer's audit lines, oldest first, parsed. */
function lines(who: string): Record<string, any>[] {
  const files = w.git(["ls-files", `audit/${who}`]).split("\n").filter(Boolean).sort();
  return files.flatMap((f) => readRepoFile(w, f).split("\n").filter(Boolean).map((t) => JSON.parse(t)));
}
const lastLine = (who: string) => lines(who).at(-1)!;
const status = async (args: string[] = []) => JSON.parse((await ok("alice", ["status", "--json", ...args])).stdout);

function setConfig(extra: Record<string, unknown>): void {
  const config = JSON.parse(readRepoFile(w, "mfavault.json"));
  writeFileSync(join(w.repo, "mfavault.json"), JSON.stringify({ ...config, ...extra }, null, 2));
  w.git(["commit", "-qm", "settings", "mfavault.json"]);
}

beforeAll(async () => {
  w = await teamWorld(["alice", "bob"]);
});
afterAll(() => w.cleanup());

describe("vault settings", () => {
  it("keeps a vault's policy inside its encrypted document, readable with plain age", async () => {
    const r = await ok("alice", ["client", "add", "acme", "--grant", "bob", "--require-ticket", "--rotate-every", "90d", "--json"]);
    expect(JSON.parse(r.stdout).settings).toEqual({ rotation: { interval: "90d" }, requireTicket: true });
    const doc = JSON.parse(ageDecrypt(w, "bob", "clients/acme/vault.age")!);
    expect(doc.settings).toEqual({ rotation: { interval: "90d" }, requireTicket: true });
    expect(readRepoFile(w, "clients/acme/manifest.json")).not.toContain("requireTicket");
    expect(lastLine("alice")).toMatchObject({ action: "client-add", target: "acme", details: { recipients: ["alice", "bob"], settings: { requireTicket: true, interval: "90d" } } });
    await ok("alice", ["add", "acme/aws", "--secret-stdin", "--issuer", "Amazon Web Services"], { input: SEEDS.aws });
    clean();
  });

  it("shows the settings with no flags, and changes only what is asked, with an audit line", async () => {
    const shown = await ok("bob", ["client", "set", "acme"]);
    expect(shown.stdout).toContain("tickets:   required for every read");
    expect(shown.stdout).toContain("rotation:  every 90d (this vault), tier standard");
    const before = head();
    const same = await ok("alice", ["client", "set", "acme", "--require-ticket"]);
    expect(same.stderr).toContain("already has these settings");
    expect(head()).toBe(before);
    const r = await ok("alice", ["client", "set", "acme", "--tier", "high", "--json"]);
    expect(JSON.parse(r.stdout)).toEqual({ vault: "acme", settings: { rotation: { interval: "90d", tier: "high" }, requireTicket: true }, changed: { tier: "high" } });
    expect(lastLine("alice")).toMatchObject({ action: "client-set", target: "acme", details: { settings: { tier: "high" } } });
    expect(w.git(["log", "-1", "--format=%s"])).toBe("client: set acme (tier=high)");
    await ok("alice", ["client", "set", "acme", "--tier", "default"]);
    expect(JSON.parse(ageDecrypt(w, "alice", "clients/acme/vault.age")!).settings.rotation).toEqual({ interval: "90d" });
  });

  it("refuses bad flag values before touching anything", async () => {
    const before = head();
    for (const args of [["--rotate-every", "quarterly"], ["--tier", "critical"]]) {
      const r = await w.run("alice", ["client", "set", "acme", ...args]);
      expect(r.exitCode).toBe(2);
    }
    expect(head()).toBe(before);
  });
});

describe("ticket-linked access", () => {
  it("refuses a read without a ticket when there is no terminal, and shows and records nothing", async () => {
    const before = head();
    const count = lines("bob").length;
    for (const args of [["code", "acme/aws"], ["show", "acme/aws", "--reveal"], ["export", "acme", "--format", "csv", "--plaintext"]]) {
      const r = await w.run("bob", args);
      expect(r.exitCode, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toContain("acme requires a ticket for every read: pass --ticket ID (or set MFAVAULT_TICKET)");
      expect(r.stderr).not.toContain(SEEDS.aws);
    }
    expect(head()).toBe(before);
    expect(lines("bob")).toHaveLength(count);
  });

  it("accepts --ticket and MFAVAULT_TICKET, with the ticket in the signed audit line", async () => {
    const r = await ok("bob", ["code", "acme/aws", "--ticket", "INC-4711", "--json"]);
    const out = JSON.parse(r.stdout);
    expect(out.code).toBe(oathtoolTotp(SEEDS.aws, out.at));
    expect(lastLine("bob")).toMatchObject({ action: "code", target: "acme/aws", details: { ticket: "INC-4711" } });
    const env = await ok("bob", ["code", "acme/aws"], { env: { MFAVAULT_TICKET: "CHG-12" } });
    expect(env.stdout.trim()).toMatch(/^\d{6}$/);
    expect(lastLine("bob")).toMatchObject({ action: "code", details: { ticket: "CHG-12" } });
    const reveal = await ok("bob", ["show", "acme/aws", "--reveal", "--ticket=INC-4712", "--json"]);
    expect(JSON.parse(reveal.stdout).secret).toBe(SEEDS.aws);
    expect(lastLine("bob")).toMatchObject({ action: "reveal", details: { ticket: "INC-4712" } });
    const exp = await ok("bob", ["export", "acme", "--format", "csv", "--plaintext"], { env: { MFAVAULT_TICKET: "INC-4713" } });
    expect(exp.stdout).toContain(SEEDS.aws);
    expect(lastLine("bob")).toMatchObject({ action: "export", details: { ticket: "INC-4713", format: "csv" } });
    clean();
    const verify = await ok("alice", ["audit", "verify"]);
    expect(verify.stdout).toMatch(/^audit trail ok/);
  });

  it("records a ticket given for a vault that does not require one", async () => {
    await ok("alice", ["client", "add", "hooli"]);
    await ok("alice", ["add", "hooli/github", "--secret-stdin"], { input: SEEDS.github });
    await ok("alice", ["code", "hooli/github", "--ticket", "INC-1"]);
    expect(lastLine("alice")).toMatchObject({ action: "code", target: "hooli/github", details: { ticket: "INC-1" } });
    await ok("alice", ["code", "hooli/github"]);
    expect(lastLine("alice").details).toBeUndefined();
  });

  it("refuses a ticket with control characters or over 64 characters", async () => {
    for (const ticket of ["INC\u001b[2J", "x".repeat(65), "  "]) {
      const r = await w.run("bob", ["code", "acme/aws", "--ticket", ticket]);
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).not.toContain("\u001b");
    }
  });

  it("asks for the ticket on a terminal", async () => {
    // --json: the same prompt, and output that does not depend on how a terminal shows a code.
    const r = await runOnPty(w.home, ["code", "acme/aws", "--json"], {
      env: { MFAVAULT_DIR: w.repo, MFAVAULT_IDENTITY_FILE: w.engineers.get("bob")!.keyFile },
      steps: [{ expect: /Ticket for acme\/aws \(acme requires one\)/, send: "INC-9\r" }],
    });
    expect(r.exitCode, r.output).toBe(0);
    expect(r.output).toMatch(/"code": "\d{6}"/);
    expect(lastLine("bob")).toMatchObject({ action: "code", target: "acme/aws", details: { ticket: "INC-9" } });
  });
});

describe("sealed break-glass vaults", () => {
  let udp: ReturnType<typeof createSocket>;
  const messages: string[] = [];
  beforeAll(async () => {
    udp = createSocket("udp4");
    udp.on("message", (m) => messages.push(m.toString("utf8")));
    await new Promise<void>((r) => udp.bind(0, "127.0.0.1", r));
    await ok("alice", ["client", "add", "acme/bg", "--sealed", "--grant", "bob"]);
    await ok("alice", ["add", "acme/bg/root", "--secret-stdin", "--issuer", "AWS root"], { input: SEEDS.long });
    await ok("alice", ["add", "acme/bg/dns", "--secret-stdin"], { input: SEEDS.github });
    setConfig({ audit: { syslog: `udp://127.0.0.1:${udp.address().port}`, syslogTimeoutMs: 2000 } });
  });
  afterAll(() => udp.close());

  it("refuses to read without --break-glass --reason, showing nothing", async () => {
    const before = head();
    for (const args of [["code", "acme/bg/root"], ["code", "acme/bg/root", "--break-glass"], ["show", "acme/bg/root", "--reveal"], ["export", "acme/bg", "--format", "json", "--plaintext"]]) {
      const r = await w.run("bob", args);
      expect(r.exitCode, args.join(" ")).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr).toMatch(/sealed break-glass vault: open it with --break-glass --reason|--break-glass needs --reason/);
    }
    expect(head()).toBe(before);
    expect(messages).toEqual([]);
  });

  it("opens with a warning, one commit of the marked vault and the line, and an alert to syslog", async () => {
    const before = head();
    const r = await ok("bob", ["code", "acme/bg/root", "--break-glass", "--reason", "owner locked out, INC-77", "--json"]);
    const out = JSON.parse(r.stdout);
    expect(out.code).toBe(oathtoolTotp(SEEDS.long, out.at));
    expect(r.stderr).toContain("WARNING: break-glass opening of acme/bg/root");
    const line = lastLine("bob");
    expect(line).toMatchObject({ action: "code", target: "acme/bg/root", details: { breakGlass: true, reason: "owner locked out, INC-77" } });
    // One commit holding the re-encrypted vault (with its rotation mark) and the audit line.
    expect(w.git(["rev-list", "--count", `${before}..HEAD`])).toBe("1");
    expect(w.git(["show", "--name-only", "--format=%s", "HEAD"]).split("\n").filter(Boolean).sort()).toEqual(
      ["audit: bob break-glass code acme/bg/root", `audit/bob/${line.ts.slice(0, 7)}.jsonl`, "clients/acme/bg/manifest.json", "clients/acme/bg/vault.age"].sort(),
    );
    const doc = JSON.parse(ageDecrypt(w, "alice", "clients/acme/bg/vault.age")!);
    expect(doc.entries.root.rotationDue).toEqual([{ since: expect.any(String), reason: "opened with break-glass by bob", breakGlass: true }]);
    expect(doc.entries.dns.rotationDue).toBeUndefined();
    for (let i = 0; i < 100 && messages.length === 0; i++) await new Promise((res) => setTimeout(res, 20));
    expect(messages).toHaveLength(1);
    const m = /^<(\d+)>1 (\S+) \S+ mfavault \d+ code \[mfavault@32473 [^\]]*\] (.*)$/.exec(messages[0]!)!;
    expect(Number(m[1])).toBe(13 * 8 + 1);
    expect(m[2]).toBe(line.ts);
    expect(JSON.parse(m[3]!)).toEqual(line);
    clean();
  });

  it("marks every seed of an export opened, and lists the openings until the review is marked", async () => {
    messages.length = 0;
    await ok("alice", ["export", "acme/bg", "--format", "json", "--plaintext", "--break-glass", "--reason", "client offboarding check"]);
    const doc = JSON.parse(ageDecrypt(w, "alice", "clients/acme/bg/vault.age")!);
    expect(doc.entries.dns.rotationDue).toEqual([expect.objectContaining({ reason: "opened with break-glass by alice", breakGlass: true })]);
    expect(doc.entries.root.rotationDue).toHaveLength(1);
    let s = await status();
    expect(s.lastReview).toBeNull();
    expect(s.breakGlassOpenings.map((o: any) => [o.engineer, o.action, o.target, o.reason])).toEqual([
      ["bob", "code", "acme/bg/root", "owner locked out, INC-77"],
      ["alice", "export", "acme/bg", "client offboarding check"],
    ]);
    expect(s.rotationDue.map((i: any) => [i.entry, i.reason])).toEqual([
      ["acme/bg/dns", "opened with break-glass by alice"],
      ["acme/bg/root", "opened with break-glass by bob"],
    ]);
    const text = await ok("alice", ["status"]);
    expect(text.stdout).toMatch(/Break-glass openings \(all time\) \(2\)\n .*bob code acme\/bg\/root: owner locked out, INC-77/);

    const marked = await ok("alice", ["status", "--mark-reviewed", "--json"]);
    expect(JSON.parse(marked.stdout).markedReviewed).toEqual(expect.any(String));
    expect(lastLine("alice")).toMatchObject({ action: "review", target: "*", details: { breakGlassOpenings: 2, since: null } });
    s = await status();
    expect(s.breakGlassOpenings).toEqual([]);
    expect(s.lastReview).toEqual({ ts: lastLine("alice").ts, engineer: "alice" });
    expect((await status(["--since", "1d"])).breakGlassOpenings).toHaveLength(2);

    await ok("bob", ["show", "acme/bg/dns", "--reveal", "--break-glass", "--reason", "dns change"]);
    s = await status();
    expect(s.breakGlassOpenings.map((o: any) => [o.engineer, o.action, o.target])).toEqual([["bob", "reveal", "acme/bg/dns"]]);
    expect(await ok("alice", ["audit", "verify"])).toBeTruthy();
    setConfig({ audit: {} });
  });

  it("refuses to move a seed out of a sealed vault into one that is not", async () => {
    const r = await w.run("alice", ["mv", "acme/bg/root", "hooli/root"]);
    expect(r.exitCode).toBe(5);
    expect(r.stderr).toContain("refusing to move acme/bg/root out of acme/bg: it is sealed");
    const t = await w.run("alice", ["mv", "acme/aws", "hooli/aws"]);
    expect(t.stderr).toContain("it requires a ticket for every read");
    clean();
  });

  it("holds a client's offboarding hand-off to the same rule: no --break-glass, no hand-off", async () => {
    await ok("alice", ["client", "add", "offb", "--sealed"]);
    await ok("alice", ["add", "offb/root", "--secret-stdin"], { input: SEEDS.aws });
    const clientKey = join(w.dir, "offb-client.key");
    await execa("age-keygen", ["-o", clientKey]);
    const clientRecipient = String((await execa("age-keygen", ["-y", clientKey])).stdout).trim();
    const out = join(w.dir, "offb-handoff.age");
    const before = head();
    const refused = await w.run("alice", ["client", "remove", "offb", "--export", out, "--to", clientRecipient]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/offb is a sealed break-glass vault: open it with --break-glass --reason/);
    const stray = await w.run("alice", ["client", "remove", "offb", "--break-glass", "--reason", "x"]);
    expect(stray.exitCode).toBe(2);
    expect(stray.stderr).toMatch(/are for the hand-off's read of the seeds: add --export FILE/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(w.repo, "clients/offb/vault.age"))).toBe(true);
    expect(head()).toBe(before);
    clean();

    const r = await w.run("alice", ["client", "remove", "offb", "--export", out, "--to", clientRecipient, "--break-glass", "--reason", "client offboarding"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain("WARNING: break-glass opening of offb");
    const handoff = JSON.parse(String((await execa("age", ["-d", "-i", clientKey, out])).stdout));
    expect(JSON.stringify(handoff)).toContain(SEEDS.aws);
    const [exported, removed] = lines("alice").slice(-2);
    expect(exported).toMatchObject({ action: "export", target: "offb", details: { breakGlass: true, reason: "client offboarding" } });
    expect(removed).toMatchObject({ action: "client-remove", target: "offb" });
    expect(existsSync(join(w.repo, "clients/offb"))).toBe(false);
    clean();
  });

  it("clears the mark when the seed is rotated", async () => {
    await ok("alice", ["rotate", "acme/bg/root", "--secret-stdin"], { input: SEEDS.github });
    const s = await status();
    expect(s.rotationDue.map((i: any) => i.entry)).toEqual(["acme/bg/dns"]);
  });
});

describe("rotation schedules, evaluated with --now", () => {
  let created: number;
  beforeAll(async () => {
    setConfig({ policy: { rotation: { interval: "1y" }, dueSoonDays: 14 } });
    await ok("alice", ["client", "add", "globex"]);
    await ok("alice", ["add", "globex/vpn", "--secret-stdin", "--rotate-every", "30d"], { input: SEEDS.aws });
    await ok("alice", ["add", "globex/crm", "--secret-stdin"], { input: SEEDS.aws });
    await ok("alice", ["add", "globex/root", "--secret-stdin", "--tier", "high"], { input: SEEDS.aws });
    created = Date.parse(JSON.parse(ageDecrypt(w, "alice", "clients/globex/vault.age")!).entries.vpn.created);
  });
  const at = (days: number) => new Date(created + days * 86_400_000).toISOString();
  const globex = (s: any) => s.schedule.filter((i: any) => i.vault === "globex").map((i: any) => [i.entry, i.state, i.interval, i.tier]);

  it("lists never-rotated, due-soon and overdue entries by the schedule that applies to each", async () => {
    expect(globex(await status(["--now", at(1)]))).toEqual([
      ["globex/vpn", "never-rotated", "30d", "standard"],
      ["globex/root", "never-rotated", "90d", "high"],
      ["globex/crm", "never-rotated", "1y", "standard"],
    ]);
    expect(globex(await status(["--now", at(20)]))).toEqual([
      ["globex/vpn", "due-soon", "30d", "standard"],
      ["globex/root", "never-rotated", "90d", "high"],
      ["globex/crm", "never-rotated", "1y", "standard"],
    ]);
    const later = await status(["--now", at(100)]);
    expect(later.asOf).toBe(at(100));
    expect(globex(later)).toEqual([
      ["globex/vpn", "overdue", "30d", "standard"],
      ["globex/root", "overdue", "90d", "high"],
      ["globex/crm", "never-rotated", "1y", "standard"],
    ]);
    expect(later.schedule.find((i: any) => i.entry === "globex/vpn").daysLeft).toBe(-70);
    const text = await ok("alice", ["status", "--now", at(100)]);
    expect(text.stdout).toMatch(/OVERDUE\s+globex\/vpn\s+every 30d, standard {2}due \S+ \(70 days ago\)/);
  });

  it("applies the vault's schedule and the entry's own, and `set` changes the entry's", async () => {
    await ok("alice", ["client", "set", "globex", "--rotate-every", "180d"]);
    expect(globex(await status(["--now", at(170)]))).toContainEqual(["globex/crm", "due-soon", "180d", "standard"]);
    const r = await ok("alice", ["set", "globex/crm", "--rotate-every", "2y", "--json"]);
    expect(JSON.parse(r.stdout)).toMatchObject({ entry: "globex/crm", rotation: { interval: "2y" }, effective: { interval: "2y", tier: "standard" }, changed: { interval: "2y" } });
    expect(lastLine("alice")).toMatchObject({ action: "set", target: "globex/crm", details: { rotation: { interval: "2y" } } });
    expect(globex(await status(["--now", at(170)]))).toContainEqual(["globex/crm", "never-rotated", "2y", "standard"]);
  });

  it("drops a rotated entry from the list, and writes nothing when evaluating", async () => {
    await ok("alice", ["rotate", "globex/vpn", "--secret-stdin"], { input: SEEDS.github });
    const before = head();
    expect(globex(await status(["--now", at(1)])).map((x: any) => x[0])).not.toContain("globex/vpn");
    expect(head()).toBe(before);
    const r = await w.run("alice", ["status", "--now", at(1), "--mark-reviewed"]);
    expect(r.exitCode).toBe(2);
    expect((await w.run("alice", ["status", "--now", "next tuesday"])).exitCode).toBe(2);
  });
});

describe("inherited seeds", () => {
  it("marks imported and added seeds inherited, shows them until rotated, overdue after the window", async () => {
    setConfig({ policy: { inheritedWindow: "72h" } });
    await ok("alice", ["client", "add", "initech"]);
    const csv = join(w.dir, "previous-msp.csv");
    writeFileSync(csv, `name,secret,issuer,account\nm365,${SEEDS.aws},Microsoft 365,admin@initech\nregistrar,${SEEDS.github},Registrar,ops\n`);
    await ok("alice", ["import", "initech", csv, "--inherited"]);
    expect(lastLine("alice")).toMatchObject({ action: "import", details: { count: 2, inherited: "72h" } });
    await ok("alice", ["add", "initech/vpn", "--secret-stdin", "--inherited", "--inherited-window", "7d"], { input: SEEDS.long });
    const doc = JSON.parse(ageDecrypt(w, "alice", "clients/initech/vault.age")!);
    expect(doc.entries.m365.inherited).toEqual({ since: doc.entries.m365.created, window: "72h" });
    const since = Date.parse(doc.entries.m365.created);

    const s = await status();
    expect(s.inherited.map((i: any) => [i.entry, i.window, i.overdue])).toEqual([
      ["initech/m365", "72h", false],
      ["initech/registrar", "72h", false],
      ["initech/vpn", "7d", false],
    ]);
    const later = await status(["--now", new Date(since + 4 * 86_400_000).toISOString()]);
    expect(later.inherited.map((i: any) => [i.entry, i.overdue])).toEqual([
      ["initech/m365", true],
      ["initech/registrar", true],
      ["initech/vpn", false],
    ]);
    const text = await ok("alice", ["status", "--now", new Date(since + 4 * 86_400_000).toISOString()]);
    expect(text.stdout).toMatch(/Inherited seeds not yet rotated \(3\)\n {2}OVERDUE {3}initech\/m365 {2}inherited \S+, rotate within 72h/);

    const rot = await ok("alice", ["rotate", "initech/m365", "--secret-stdin"], { input: SEEDS.long });
    expect(rot.stdout).toContain("no longer due for rotation (was: inherited from a previous provider on");
    expect((await status()).inherited.map((i: any) => i.entry)).toEqual(["initech/registrar", "initech/vpn"]);
    expect((await w.run("alice", ["add", "initech/x", "--secret-stdin", "--inherited-window", "7d"], { input: SEEDS.aws })).exitCode).toBe(2);
  });
});

describe("reads without a ticket", () => {
  it("lists a read made in a clone that had not yet seen the requirement, once merged", async () => {
    await ok("alice", ["grant", "bob", "hooli"]);
    const clone = join(w.dir, "bob-clone");
    await execa("git", ["clone", "-q", w.repo, clone], { env: baseEnv(w.home), extendEnv: false });
    await ok("alice", ["client", "set", "hooli", "--require-ticket"]);
    // bob's clone has hooli without the requirement: his read there carries no ticket.
    await ok("bob", ["code", "hooli/github"], { env: { MFAVAULT_DIR: clone } });
    w.git(["pull", "-q", "--no-rebase", "--no-edit", clone, "main"]);
    const s = await status();
    expect(s.readsWithoutTicket).toEqual([{ ts: expect.any(String), engineer: "bob", action: "code", target: "hooli/github", vault: "hooli" }]);
    const text = await ok("alice", ["status"]);
    expect(text.stdout).toMatch(/Reads without a ticket where one is required \(1\)\n .*bob code hooli\/github/);
  });
});
