// A small strict XML 1.0 reader for tests: enough to prove a document is well-formed (one root, matched
// tags, quoted and unique attributes, only the predefined and numeric entities) and to query it.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = /^[A-Za-z_][\w.:-]*/;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decode(raw: string, where: number): string {
  return raw.replace(/&([^;]*);?/g, (all, body: string) => {
    if (!all.endsWith(";")) throw new Error(`bare & at ${where}`);
    if (body in ENTITIES) return ENTITIES[body]!;
    const m = /^#(x[0-9a-fA-F]+|[0-9]+)$/.exec(body);
    if (!m) throw new Error(`unknown entity &${body}; at ${where}`);
    return String.fromCodePoint(m[1]!.startsWith("x") ? parseInt(m[1]!.slice(1), 16) : Number(m[1]));
  });
}

export function parseXml(doc: string): XmlElement {
  if (/[^\t\n\r\x20-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u.test(doc)) throw new Error("a character XML 1.0 does not allow");
  let pos = 0;
  const skipSpace = () => {
    while (/\s/.test(doc[pos] ?? "")) pos++;
  };
  if (doc.startsWith("<?xml")) {
    const end = doc.indexOf("?>");
    if (end < 0) throw new Error("unterminated XML declaration");
    pos = end + 2;
  }
  skipSpace();
  const element = (): XmlElement => {
    if (doc[pos] !== "<") throw new Error(`expected < at ${pos}`);
    pos++;
    const name = NAME.exec(doc.slice(pos))?.[0];
    if (!name) throw new Error(`bad element name at ${pos}`);
    pos += name.length;
    const el: XmlElement = { name, attrs: {}, children: [], text: "" };
    for (;;) {
      const before = pos;
      skipSpace();
      if (doc.startsWith("/>", pos)) {
        pos += 2;
        return el;
      }
      if (doc[pos] === ">") {
        pos++;
        break;
      }
      if (pos === before) throw new Error(`expected space before attribute at ${pos}`);
      const attr = NAME.exec(doc.slice(pos))?.[0];
      if (!attr || doc[pos + attr.length] !== "=" || doc[pos + attr.length + 1] !== '"') throw new Error(`bad attribute at ${pos}`);
      if (attr in el.attrs) throw new Error(`duplicate attribute ${attr}`);
      const start = pos + attr.length + 2;
      const end = doc.indexOf('"', start);
      if (end < 0 || doc.slice(start, end).includes("<")) throw new Error(`bad attribute value at ${start}`);
      el.attrs[attr] = decode(doc.slice(start, end), start);
      pos = end + 1;
    }
    for (;;) {
      const lt = doc.indexOf("<", pos);
      if (lt < 0) throw new Error(`unclosed <${name}>`);
      const text = doc.slice(pos, lt);
      if (text.includes(">") && text.includes("]]>")) throw new Error("]]> in text");
      el.text += decode(text, pos);
      pos = lt;
      if (doc.startsWith(`</${name}`, pos)) {
        pos += name.length + 2;
        skipSpace();
        if (doc[pos] !== ">") throw new Error(`bad end tag for ${name}`);
        pos++;
        return el;
      }
      if (doc.startsWith("</", pos)) throw new Error(`mismatched end tag at ${pos}, expected </${name}>`);
      el.children.push(element());
    }
  };
  const root = element();
  skipSpace();
  if (pos !== doc.length) throw new Error(`content after the root element at ${pos}`);
  return root;
}

/** Every element below `el` (depth first) with this name. */
export function descendants(el: XmlElement, name: string): XmlElement[] {
  return el.children.flatMap((c) => [...(c.name === name ? [c] : []), ...descendants(c, name)]);
}
