// Converse.js in Debian's headless Chromium, driven by puppeteer-core, for tests/e2e
// (test_web_converse.py). Never downloads a browser: it runs the one at config.chromium.
//
//   node converse-driver.js '{"chromium":"/usr/bin/chromium","workdir":"/tmp/x",
//        "websocket":"ws://127.0.0.1:P/xmpp-websocket","jid":"alice@localhost",
//        "password":"alicepw","room":"r@conference.localhost","nick":"Alice"}'
//
// Same JSON-lines protocol as xmppjs-driver.js: {"event":"online","url":...} once the page
// is loaded, {"event":"ws_in"|"ws_out","xml":...} for every WebSocket frame, then one
// outcome line per command read from stdin (COMMANDS below). Every
// command acts through the page as a user would (typing in the message box, pressing
// Enter) and waits for what the page shows. The browser console (Converse logs every
// stanza at loglevel debug) goes to WORKDIR/converse-console.log; on a failed command the
// page's HTML and a screenshot are saved there too.
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import puppeteer from "puppeteer-core";
import { startServer } from "./converse-server.js";

const cfg = JSON.parse(process.argv[2]);
const out = (obj) => process.stdout.write(JSON.stringify(obj) + "\n");
const TIMEOUT = cfg.timeout_ms ?? 15000;

fs.mkdirSync(cfg.workdir, { recursive: true });
const home = path.join(cfg.workdir, "home");
fs.mkdirSync(home, { recursive: true });
const consoleLog = fs.createWriteStream(path.join(cfg.workdir, "converse-console.log"), { flags: "a" });

const { server, url } = await startServer({
  websocket: cfg.websocket, domain: cfg.domain ?? "localhost",
  mucDomain: cfg.room.split("@")[1],
});

const browser = await puppeteer.launch({
  executablePath: cfg.chromium,
  headless: true,
  userDataDir: path.join(cfg.workdir, "profile"),
  env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, ".config"),
         XDG_CACHE_HOME: path.join(home, ".cache") },
  args: [
    "--no-sandbox", // as root
    "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    // Loopback only: Converse's login footer would fetch logos from the internet.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
  ],
  defaultViewport: { width: 1280, height: 800 },
});
const page = await browser.newPage();
page.on("console", (msg) => consoleLog.write(`[${msg.type()}] ${msg.text()}\n`));
page.on("pageerror", (err) => consoleLog.write(`[pageerror] ${err?.stack ?? err}\n`));
// The wire, as the browser saw it: every WebSocket frame (RFC 7395: one stanza per frame)
// Converse sent and received, reported as {"event":"ws_out"|"ws_in","xml":...}.
const cdp = await page.createCDPSession();
await cdp.send("Network.enable");
cdp.on("Network.webSocketFrameSent", ({ response }) => out({ event: "ws_out", xml: response.payloadData }));
cdp.on("Network.webSocketFrameReceived", ({ response }) => out({ event: "ws_in", xml: response.payloadData }));

const roomSel = `converse-muc[jid="${cfg.room}"]`;
const query = new URLSearchParams({
  jid: cfg.jid, password: cfg.password, room: cfg.room, nick: cfg.nick, loglevel: "debug",
});
await page.goto(`${url}?${query}`, { waitUntil: "load" });

// What the page shows, read from the DOM (Converse renders into light DOM).
function shown(roomSel) {
  const room = document.querySelector(roomSel);
  if (!room) return null;
  const text = (el) => (el?.textContent ?? "").replace(/\s+/g, " ").trim();
  return {
    textarea: !!room.querySelector("textarea.chat-textarea"),
    messages: [...room.querySelectorAll(".chat-msg")].map((m) => ({
      author: text(m.querySelector(".chat-msg__author")),
      text: text(m.querySelector(".chat-msg__text")),
      classes: m.className,
    })),
    // Only what is on screen: the occupant list may be collapsed.
    occupants: [...room.querySelectorAll(".occupant-nick")].filter((e) => e.checkVisibility()).map(text),
    subject: text(room.querySelector(".chat-head__desc")),
    info: [...room.querySelectorAll(".chat-info")].map(text),
  };
}

// Waits until pred(shown, arg) holds in the page (pred is sent as source: no closures).
async function waitShown(pred, what, arg) {
  try {
    await page.waitForFunction(
      (roomSel, predSrc, arg) => {
        const s = window.__shown(roomSel);
        return !!s && (0, eval)(`(${predSrc})`)(s, arg);
      },
      { timeout: TIMEOUT, polling: 100 }, roomSel, pred.toString(), arg);
  } catch (err) {
    throw new Error(`the page did not show ${what} within ${TIMEOUT} ms (${err.message}); ` +
                    `it shows ${JSON.stringify(await page.evaluate(shown, roomSel))}`);
  }
  return page.evaluate(shown, roomSel);
}
await page.evaluate((src) => { window.__shown = (0, eval)(`(${src})`); }, shown.toString());

async function type(text) {
  const box = `${roomSel} textarea.chat-textarea`;
  await page.waitForSelector(box, { timeout: TIMEOUT });
  await page.focus(box);
  await page.type(box, text);
  await page.keyboard.press("Enter");
}

const COMMANDS = {
  // Entered: the message box and our own nick in the occupant list.
  async joined({ nick }) {
    return waitShown((s, nick) => s.textarea && s.occupants.includes(nick), `the room entered as ${nick}`, nick);
  },
  async occupants({ nicks }) {
    return waitShown((s, nicks) => nicks.every((n) => s.occupants.includes(n)),
                     `the occupants ${nicks.join(", ")}`, nicks);
  },
  async send({ text }) {
    await type(text);
    return waitShown((s, text) => s.messages.some((m) => m.text === text), `our message "${text}"`, text);
  },
  async message({ author, text }) {
    return waitShown((s, [author, text]) => s.messages.some((m) => m.author === author && m.text === text),
                     `"${text}" from ${author}`, [author, text]);
  },
  // Converse's /topic command (the room's subject, XEP-0045 8.1).
  async subject({ text }) {
    await type(`/topic ${text}`);
    return waitShown((s, text) => s.subject === text, `the subject "${text}"`, text);
  },
  async wait_subject({ text }) {
    return waitShown((s, text) => s.subject === text, `the subject "${text}"`, text);
  },
  async screenshot({ file }) {
    // Not fullPage: resizing the viewport for it makes Converse re-lay out (and collapse) the
    // occupant list. The page is a full-window app anyway.
    await page.screenshot({ path: file });
    fs.writeFileSync(file.replace(/\.png$/, "") + ".html", await page.content());
    return { file };
  },
  async stop() {
    await browser.close();
    server.close();
    return null;
  },
};

async function saveDiagnostics(tag) {
  try {
    fs.writeFileSync(path.join(cfg.workdir, `page-${tag}.html`), await page.content());
    await page.screenshot({ path: path.join(cfg.workdir, `page-${tag}.png`), fullPage: true });
  } catch { /* the page may be gone */ }
}

const rl = readline.createInterface({ input: process.stdin });
let queue = Promise.resolve();
rl.on("line", (line) => {
  if (!line.trim()) return;
  const cmd = JSON.parse(line);
  // One command at a time, in order: each types into or reads the one page.
  queue = queue.then(async () => {
    try {
      const fn = COMMANDS[cmd.op];
      if (!fn) throw new Error(`unknown op ${cmd.op}`);
      out({ id: cmd.id, ok: true, shown: await fn(cmd) });
      if (cmd.op === "stop") process.exit(0);
    } catch (err) {
      await saveDiagnostics(`failed-${cmd.id}-${cmd.op}`);
      out({ id: cmd.id, ok: false, error: String(err?.message ?? err) });
    }
  });
});
rl.on("close", () => queue.then(() => browser.close()).finally(() => process.exit(0)));

out({ event: "online", url });
