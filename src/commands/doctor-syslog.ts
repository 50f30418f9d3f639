// Whether the syslog collector that audit lines are forwarded to (mfavault.json "audit.syslog") answers.
// The setting is read leniently: a URL ("udp://siem.example:514", "tcp://…") or an object with host,
// port and protocol/transport, since the forwarding feature owns its exact shape.

export interface SyslogTarget {
  protocol: "udp" | "tcp" | "tls";
  host: string;
  port: number;
}

export function syslogTarget(audit: Record<string, unknown>): SyslogTarget | null {
  const raw = audit.syslog;
  if (raw === undefined || raw === null || raw === false) return null;
  if (typeof raw === "string") {
    const m = /^(udp|tcp|tls):\/\/\[?([^\]/]+?)\]?(?::(\d+))?\/?$/i.exec(raw);
    if (!m) return { protocol: "udp", host: raw, port: 514 };
    return { protocol: m[1]!.toLowerCase() as SyslogTarget["protocol"], host: m[2]!, port: Number(m[3] ?? (m[1]!.toLowerCase() === "tls" ? 6514 : 514)) };
  }
  if (typeof raw === "object") {
    const o = raw as Record<string, unknown>;
    if (typeof o.url === "string") return syslogTarget({ syslog: o.url });
    const protocol = String(o.protocol ?? o.transport ?? "udp").toLowerCase();
    return { protocol: (["tcp", "tls"].includes(protocol) ? protocol : "udp") as SyslogTarget["protocol"], host: String(o.host ?? "localhost"), port: Number(o.port ?? 514) };
  }
  return null;
}

/** Null when the collector answers; else why not. UDP has no handshake: a refusal (ICMP) is all it can show. */
export async function syslogReachable(t: SyslogTarget, timeoutMs = 3000): Promise<string | null> {
  const { lookup } = await import("node:dns/promises");
  try {
    await lookup(t.host);
  } catch {
    return `cannot resolve ${t.host}`;
  }
  if (t.protocol === "udp") {
    const dgram = await import("node:dgram");
    return new Promise((done) => {
      const socket = dgram.createSocket(t.host.includes(":") ? "udp6" : "udp4");
      const finish = (result: string | null) => {
        socket.close();
        done(result);
      };
      socket.on("error", (e) => finish((e as NodeJS.ErrnoException).code === "ECONNREFUSED" ? "refused (nothing listens on that UDP port)" : String(e.message)));
      socket.connect(t.port, t.host, () => {
        const message = `<191>1 ${new Date().toISOString()} - mfavault - doctor - mfavault doctor: syslog connectivity check`;
        socket.send(message, (e) => (e ? finish(e.message) : setTimeout(() => finish(null), 300)));
      });
    });
  }
  const net = await import("node:net");
  return new Promise((done) => {
    const socket = net.connect({ host: t.host, port: t.port, timeout: timeoutMs });
    socket.once("connect", () => {
      socket.destroy();
      done(null);
    });
    socket.once("timeout", () => {
      socket.destroy();
      done(`no answer within ${timeoutMs / 1000}s`);
    });
    socket.once("error", (e) => done((e as NodeJS.ErrnoException).code === "ECONNREFUSED" ? "connection refused" : e.message));
  });
}
