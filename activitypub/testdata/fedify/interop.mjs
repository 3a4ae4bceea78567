// Fedify as an independent implementation of HTTP signatures, driven by
// activitypub/signature_fedify_test.go. Two modes:
//
//   node interop.mjs sign    reads {keyId, privateKeyPem, requests: [{spec,
//                            method, url, body, expires}]} on stdin, signs
//                            each request with Fedify, sends it, and writes
//                            [{status, headers}] on stdout;
//   node interop.mjs verify  reads {keys: {keyId: document}} on stdin,
//                            serves HTTP on 127.0.0.1, writes {"port": N}
//                            on stdout, and answers each request 202 when
//                            Fedify's verifyRequest accepts its signature,
//                            401 otherwise. It ends when stdin closes.
import { signRequest, verifyRequest } from "@fedify/fedify/sig";
import { createServer } from "node:http";
import { webcrypto as crypto } from "node:crypto";

async function readStdin() {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return JSON.parse(Buffer.concat(chunks).toString("utf8"));
}

function pemBody(pem) {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, "").replace(/\s+/g, ""), "base64");
}

async function sign() {
  const job = await readStdin();
  const key = await crypto.subtle.importKey(
    "pkcs8", pemBody(job.privateKeyPem),
    { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["sign"]);
  const out = [];
  for (const r of job.requests) {
    let request = new Request(r.url, {
      method: r.method,
      headers: r.body != null ? { "Content-Type": "application/activity+json" } : { Accept: "application/activity+json" },
      body: r.body ?? undefined,
    });
    request = await signRequest(request, key, new URL(job.keyId), {
      spec: r.spec,
      rfc9421: r.expires ? { expires: true, nonce: "fedify-nonce", tag: "fedify" } : undefined,
    });
    const headers = Object.fromEntries(request.headers.entries());
    let status = 0;
    try {
      const resp = await fetch(request);
      await resp.arrayBuffer();
      status = resp.status;
    } catch (e) {
      process.stderr.write(`sending to ${r.url}: ${e}\n`);
    }
    out.push({ status, headers });
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}

async function serveVerify() {
  let buf = "";
  let job = null;
  let server = null;
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (d) => {
    buf += d;
    const nl = buf.indexOf("\n");
    if (job === null && nl >= 0) {
      job = JSON.parse(buf.slice(0, nl));
      server = start(job);
    }
  });
  process.stdin.on("end", () => {
    if (server) server.close();
    process.exit(0);
  });
}

function start(job) {
  const documentLoader = async (url) => {
    const doc = job.keys[url];
    if (!doc) throw new Error("no document for " + url);
    return { contextUrl: null, documentUrl: url, document: doc };
  };
  const server = createServer(async (req, res) => {
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const body = Buffer.concat(chunks);
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
    });
    let key = null;
    let error = "";
    try {
      key = await verifyRequest(request, { documentLoader });
    } catch (e) {
      error = String(e);
    }
    res.writeHead(key ? 202 : 401, { "Content-Type": "text/plain" });
    res.end(key ? key.id.href : "refused " + error);
  });
  server.listen(0, "127.0.0.1", () => {
    process.stdout.write(JSON.stringify({ port: server.address().port }) + "\n");
  });
  return server;
}

const mode = process.argv[2];
if (mode === "sign") await sign();
else if (mode === "verify") await serveVerify();
else {
  process.stderr.write("usage: node interop.mjs sign|verify\n");
  process.exit(2);
}
