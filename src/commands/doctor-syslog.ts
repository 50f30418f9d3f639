// Whether the syslog collector that audit lines are forwarded to (mfavault.json "audit.syslog", parsed by
// core/syslog-message.ts) answers: a TCP or TLS handshake, or for UDP at least no refusal.
import type { SyslogTarget } from "../core/syslog-message.js";

/** Null when the collector answers; else why not. UDP has no handshake: a refusal (ICMP) is all it can show. */
export async function syslogReachable(t: SyslogTarget, timeoutMs = 3000): Promise<string | null> {
  const { lookup } = process.getBuiltinModule("node:dns/promises");
  try {
    await lookup(t.host);
  } catch {
    return `cannot resolve ${t.host}`;
  }
  if (t.transport === "udp") {
    const dgram = process.getBuiltinModule("node:dgram");
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
  const net = process.getBuiltinModule("node:net");
  const tls = process.getBuiltinModule("node:tls");
  return new Promise((done) => {
    const socket =
      t.transport === "tls"
        ? tls.connect({ host: t.host, port: t.port, servername: t.host, timeout: timeoutMs })
        : net.connect({ host: t.host, port: t.port, timeout: timeoutMs });
    socket.once(t.transport === "tls" ? "secureConnect" : "connect", () => {
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
