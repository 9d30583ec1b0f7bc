// Serves Converse.js (npm converse.js, node_modules/converse.js/dist) and a page that starts
// it against a Prosody WebSocket, on loopback only. Used by the browser test
// (converse-driver.js) and by `scripts/run --web`:
//
//   node converse-server.js --port 8080 --websocket ws://127.0.0.1:5280/xmpp-websocket \
//        [--domain localhost] [--muc-domain conference.localhost]
//
// prints "converse: http://127.0.0.1:PORT/" once it listens, and serves until stopped.
// The page: http://127.0.0.1:PORT/ shows Converse's login form (users of --domain);
// ?jid=alice@localhost&password=alicepw&room=lobby@conference.localhost&nick=alice logs in
// and joins the room at once (Converse's auto_login and auto_join_rooms).
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const DIST = path.join(here, "node_modules", "converse.js", "dist");

const TYPES = {
  ".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css",
  ".json": "application/json", ".map": "application/json", ".wasm": "application/wasm",
  ".svg": "image/svg+xml", ".png": "image/png", ".ico": "image/x-icon",
  ".woff": "font/woff", ".woff2": "font/woff2", ".ttf": "font/ttf", ".eot": "application/vnd.ms-fontobject",
  ".mp3": "audio/mpeg", ".ogg": "audio/ogg", ".html": "text/html; charset=utf-8",
};

function page({ websocket, domain, mucDomain }) {
  const settings = JSON.stringify({ websocket, domain, mucDomain });
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Converse.js - muc-component</title>
  <link rel="stylesheet" href="/dist/converse.min.css">
  <script type="module" src="/dist/converse.min.js"></script>
</head>
<body class="converse-fullscreen">
<script type="module">
  const server = ${settings};
  const q = new URLSearchParams(location.search);
  const options = {
    assets_path: "/dist/",
    websocket_url: server.websocket,
    discover_connection_methods: false,
    authentication: "login",
    default_domain: server.domain,
    muc_domain: server.mucDomain,
    view_mode: "fullscreen",
    i18n: "en",
    loglevel: q.get("loglevel") || "info",
    play_sounds: false,
    show_desktop_notifications: false,
    allow_bookmarks: false,
    enable_smacks: false,
    persistent_store: "sessionStorage",
  };
  if (q.get("jid")) {
    Object.assign(options, { auto_login: true, jid: q.get("jid"), password: q.get("password") });
  }
  if (q.get("room")) {
    options.auto_join_rooms = [q.get("room")];
    // Without a nickname Converse asks for one before joining.
    options.nickname = q.get("nick") || q.get("jid")?.split("@")[0];
  }
  converse.initialize(options);
</script>
</body>
</html>
`;
}

export function startServer({ port = 0, websocket, domain = "localhost", mucDomain = "conference.localhost" }) {
  const html = page({ websocket, domain, mucDomain });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://127.0.0.1");
    if (url.pathname === "/" || url.pathname === "/index.html") {
      res.writeHead(200, { "content-type": TYPES[".html"], "cache-control": "no-store" });
      res.end(html);
      return;
    }
    if (url.pathname.startsWith("/dist/")) {
      const file = path.normalize(path.join(DIST, decodeURIComponent(url.pathname.slice(6))));
      if (file.startsWith(DIST + path.sep) && fs.existsSync(file) && fs.statSync(file).isFile()) {
        res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
        fs.createReadStream(file).pipe(res);
        return;
      }
    }
    res.writeHead(404, { "content-type": "text/plain" });
    res.end("not found\n");
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      resolve({ server, url: `http://127.0.0.1:${server.address().port}/` });
    });
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const arg = (name, dflt) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : dflt;
  };
  const websocket = arg("websocket");
  if (!websocket) {
    console.error("usage: node converse-server.js --websocket ws://127.0.0.1:PORT/xmpp-websocket " +
                  "[--port P] [--domain D] [--muc-domain M]");
    process.exit(2);
  }
  const { url } = await startServer({
    port: Number(arg("port", "0")), websocket,
    domain: arg("domain", "localhost"), mucDomain: arg("muc-domain", "conference.localhost"),
  });
  console.log(`converse: ${url}`);
  for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => process.exit(0));
}
