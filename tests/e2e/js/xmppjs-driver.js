// A second XMPP client library for tests/e2e: xmpp.js (@xmpp/client) over plain c2s TCP.
//
//   node xmppjs-driver.js '{"port":5222,"username":"alice","password":"alicepw","resource":"r"}'
//
// Protocol, one JSON object per line. Out (stdout):
//   {"event":"online","jid":"alice@localhost/r"}      once the session is bound
//   {"event":"stanza","xml":"<presence .../>"}         every inbound stanza, in arrival order
//   {"id":N,"ok":true,"xml":"..."} / {"id":N,"ok":false,"error":"..."}   a command's outcome
// In (stdin), commands carrying an "id" (see COMMANDS below). The stanzas are built with
// xmpp.js's xml() and the iqs go through its iqCaller, which matches the reply by id and
// rejects on an error reply; the test (harness/node.py) asserts on what comes out.
import { client, xml } from "@xmpp/client";
import readline from "node:readline";

const NS_MUC = "http://jabber.org/protocol/muc";
const NS_MUC_USER = NS_MUC + "#user";
const NS_MUC_ADMIN = NS_MUC + "#admin";
const NS_MUC_OWNER = NS_MUC + "#owner";

const opts = JSON.parse(process.argv[2]);
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");

const xmpp = client({
  service: `xmpp://127.0.0.1:${opts.port}`,
  domain: opts.domain ?? "localhost",
  username: opts.username,
  password: opts.password,
  resource: opts.resource,
});
// A test's session ends when the test does: never reconnect behind its back.
xmpp.reconnect.stop();

// Inbound stanzas: reported, then offered to whoever waits for one (waitFor).
const waiters = new Set();
function serialize(stanza) {
  // Top-level stanzas inherit jabber:client from the stream; say so, for a standalone parse.
  stanza.attrs.xmlns ??= "jabber:client";
  return stanza.toString();
}
xmpp.on("stanza", (stanza) => {
  out({ event: "stanza", xml: serialize(stanza) });
  for (const w of [...waiters]) {
    if (w.pred(stanza)) {
      waiters.delete(w);
      w.resolve(stanza);
    }
  }
});
xmpp.on("error", (err) => process.stderr.write(`xmpp.js error: ${err?.stack ?? err}\n`));

function waitFor(pred, what, timeoutMs = 5000) {
  return new Promise((resolve, reject) => {
    const w = { pred, resolve };
    waiters.add(w);
    setTimeout(() => {
      if (waiters.delete(w)) reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
  });
}

const statuses = (stanza) =>
  (stanza.getChild("x", NS_MUC_USER)?.getChildren("status") ?? []).map((s) => Number(s.attrs.code));

let nextId = 1;
const newId = (prefix) => `${prefix}-xmppjs-${nextId++}`;

const COMMANDS = {
  // Enters ROOM as NICK; the outcome is the self-presence (status 110) or the presence error.
  async join({ room, nick, stanza_id }) {
    const occupant = `${room}/${nick}`;
    const id = stanza_id ?? newId("join");
    const reply = waitFor(
      (s) => s.is("presence") && s.attrs.from === occupant &&
        (s.attrs.type === "error" || statuses(s).includes(110)),
      `the self-presence of ${occupant}`);
    await xmpp.send(xml("presence", { to: occupant, id }, xml("x", { xmlns: NS_MUC })));
    return reply;
  },
  // Accepts the default configuration of a new room (XEP-0045 10.1.2, instant room).
  async instant({ room }) {
    return xmpp.iqCaller.request(
      xml("iq", { type: "set", to: room, id: newId("instant") },
        xml("query", { xmlns: NS_MUC_OWNER }, xml("x", { xmlns: "jabber:x:data", type: "submit" }))));
  },
  // A groupchat message; the outcome is its reflection (same id) from our own occupant JID.
  async groupchat({ room, nick, body, stanza_id }) {
    const id = stanza_id ?? newId("msg");
    const reflection = waitFor(
      (s) => s.is("message") && s.attrs.id === id && s.attrs.from === `${room}/${nick}`,
      `the reflection of message ${id}`);
    await xmpp.send(xml("message", { to: room, type: "groupchat", id }, xml("body", {}, body)));
    return reflection;
  },
  // Kick (8.2): role none by nick, with a reason.
  async kick({ room, nick, reason }) {
    return xmpp.iqCaller.request(
      xml("iq", { type: "set", to: room, id: newId("kick") },
        xml("query", { xmlns: NS_MUC_ADMIN },
          xml("item", { nick, role: "none" }, xml("reason", {}, reason)))));
  },
  // Ban (9.1): affiliation outcast by bare JID, with a reason.
  async ban({ room, jid, reason }) {
    return xmpp.iqCaller.request(
      xml("iq", { type: "set", to: room, id: newId("ban") },
        xml("query", { xmlns: NS_MUC_ADMIN },
          xml("item", { jid, affiliation: "outcast" }, xml("reason", {}, reason)))));
  },
  // The ban list (9.2).
  async outcasts({ room }) {
    return xmpp.iqCaller.request(
      xml("iq", { type: "get", to: room, id: newId("outcasts") },
        xml("query", { xmlns: NS_MUC_ADMIN }, xml("item", { affiliation: "outcast" }))));
  },
  async stop() {
    await xmpp.stop();
    return null;
  },
};

const rl = readline.createInterface({ input: process.stdin });
rl.on("line", async (line) => {
  if (!line.trim()) return;
  const cmd = JSON.parse(line);
  try {
    const fn = COMMANDS[cmd.op];
    if (!fn) throw new Error(`unknown op ${cmd.op}`);
    const result = await fn(cmd);
    out({ id: cmd.id, ok: true, xml: result ? serialize(result) : null });
    if (cmd.op === "stop") process.exit(0);
  } catch (err) {
    // iqCaller rejects with a StanzaError that carries the error reply.
    out({ id: cmd.id, ok: false, error: String(err?.message ?? err),
          xml: err?.element ? serialize(err.element) : null });
  }
});
rl.on("close", () => xmpp.stop().finally(() => process.exit(0)));

await xmpp.start();
out({ event: "online", jid: xmpp.jid.toString() });
