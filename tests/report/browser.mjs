// Headless Chromium for the report tests, driven over the DevTools protocol on a pipe
// (--remote-debugging-pipe: no port, no npm package), plus the readers the checks need: a PNG
// decoder (zlib from Node) and a PDF page counter. Chromium runs with the flags this machine
// needs (no sandbox as root, no background networking on a closed network, a fresh profile).
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inflateSync } from "node:zlib";

export const chromiumPath = process.env.BZJIRA_CHROMIUM || "/usr/bin/chromium";

export const chromiumFlags = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
  "--hide-scrollbars",
  "--force-color-profile=srgb",
];

// Runs chromium once with `args` (plus the flags and a fresh profile) and returns its output.
export function runChromium(args, { timeoutMs = 120000 } = {}) {
  const profile = mkdtempSync(join(tmpdir(), "bzjira-chromium-"));
  try {
    const r = spawnSync(chromiumPath, [...chromiumFlags, `--user-data-dir=${profile}`, ...args], {
      encoding: "buffer",
      timeout: timeoutMs,
      maxBuffer: 256 * 1024 * 1024,
    });
    if (r.error) {
      throw new Error(`chromium ${args.join(" ")}: ${r.error.message}`);
    }
    return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString() };
  } finally {
    rmSync(profile, { recursive: true, force: true });
  }
}

// One browser with one page, driven over the pipe. Events of the page's session are kept.
export class Browser {
  static async launch() {
    const b = new Browser();
    b.profile = mkdtempSync(join(tmpdir(), "bzjira-chromium-"));
    b.proc = spawn(
      chromiumPath,
      [...chromiumFlags, "--remote-debugging-pipe", `--user-data-dir=${b.profile}`, "about:blank"],
      { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] },
    );
    b.stderr = "";
    b.proc.stderr.on("data", (d) => (b.stderr += d.toString()));
    b.nextId = 0;
    b.pending = new Map();
    b.events = [];
    b.waiters = [];
    let buffer = Buffer.alloc(0);
    b.proc.stdio[4].on("data", (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      let end;
      while ((end = buffer.indexOf(0)) >= 0) {
        const message = JSON.parse(buffer.subarray(0, end).toString("utf8"));
        buffer = buffer.subarray(end + 1);
        b.dispatch(message);
      }
    });
    b.exited = new Promise((resolve) => b.proc.on("exit", resolve));
    const target = await b.send("Target.createTarget", { url: "about:blank" });
    const attached = await b.send("Target.attachToTarget", { targetId: target.targetId, flatten: true });
    b.session = attached.sessionId;
    for (const domain of ["Page", "Network", "Runtime", "Log", "DOM"]) {
      await b.send(`${domain}.enable`, {}, b.session);
    }
    return b;
  }

  dispatch(message) {
    if (message.id !== undefined && this.pending.has(message.id)) {
      const { resolve, reject, method } = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error) {
        reject(new Error(`${method}: ${message.error.message}`));
      } else {
        resolve(message.result);
      }
      return;
    }
    if (message.sessionId === this.session) {
      this.events.push(message);
      this.waiters = this.waiters.filter((w) => !(w.method === message.method && (w.resolve(message), true)));
    }
  }

  send(method, params = {}, sessionId = undefined, timeoutMs = 60000) {
    const id = ++this.nextId;
    const message = { id, method, params };
    if (sessionId) {
      message.sessionId = sessionId;
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no answer in ${timeoutMs} ms`)), timeoutMs);
      this.pending.set(id, {
        method,
        resolve: (r) => (clearTimeout(timer), resolve(r)),
        reject: (e) => (clearTimeout(timer), reject(e)),
      });
      this.proc.stdio[3].write(JSON.stringify(message) + "\0");
    });
  }

  page(method, params = {}, timeoutMs = 60000) {
    return this.send(method, params, this.session, timeoutMs);
  }

  waitFor(method, timeoutMs = 60000) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${method} in ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({ method, resolve: (m) => (clearTimeout(timer), resolve(m)) });
    });
  }

  // Loads `url` and waits for its load event and a quiet second after it; returns what the page
  // did meanwhile: every request it made and every console or log message of level error.
  async load(url, { width = 1400, height = 1000 } = {}) {
    await this.page("Emulation.setDeviceMetricsOverride", { width, height, deviceScaleFactor: 1, mobile: false });
    const first = this.events.length;
    const loaded = this.waitFor("Page.loadEventFired");
    await this.page("Page.navigate", { url });
    await loaded;
    await new Promise((r) => setTimeout(r, 1000));
    const seen = this.events.slice(first);
    const requests = seen
      .filter((e) => e.method === "Network.requestWillBeSent")
      .map((e) => e.params.request.url);
    const errors = [];
    for (const e of seen) {
      if (e.method === "Runtime.consoleAPICalled" && ["error", "assert", "warning"].includes(e.params.type)) {
        errors.push(`console.${e.params.type}: ${e.params.args.map((a) => a.value ?? a.description).join(" ")}`);
      } else if (e.method === "Runtime.exceptionThrown") {
        errors.push(`exception: ${e.params.exceptionDetails.text}`);
      } else if (e.method === "Log.entryAdded" && ["error", "warning"].includes(e.params.entry.level)) {
        errors.push(`${e.params.entry.source} ${e.params.entry.level}: ${e.params.entry.text}`);
      }
    }
    return { requests, errors };
  }

  // The parsed DOM as the browser built it: {name, attributes: {..}, children: [..]} for elements,
  // {text} for text nodes.
  async dom() {
    const { root } = await this.page("DOM.getDocument", { depth: -1, pierce: true });
    const convert = (node) => {
      if (node.nodeType === 3) {
        return { text: node.nodeValue };
      }
      const attributes = {};
      for (let i = 0; i + 1 < (node.attributes ?? []).length; i += 2) {
        attributes[node.attributes[i]] = node.attributes[i + 1];
      }
      return {
        name: (node.localName || node.nodeName).toLowerCase(),
        type: node.nodeType,
        attributes,
        children: (node.children ?? []).map(convert),
      };
    };
    return convert(root);
  }

  async screenshot({ fullPage = true, clip = undefined } = {}) {
    const params = { format: "png", captureBeyondViewport: fullPage };
    if (clip) {
      params.clip = { ...clip, scale: 1 };
    }
    const { data } = await this.page("Page.captureScreenshot", params);
    return Buffer.from(data, "base64");
  }

  async pdf() {
    const { data } = await this.page("Page.printToPDF", { printBackground: false, preferCSSPageSize: true }, 120000);
    return Buffer.from(data, "base64");
  }

  async close() {
    try {
      await this.send("Browser.close", {}, undefined, 10000);
    } catch {
      this.proc.kill("SIGKILL");
    }
    await Promise.race([this.exited, new Promise((r) => setTimeout(r, 10000))]);
    if (this.proc.exitCode === null) {
      this.proc.kill("SIGKILL");
    }
    rmSync(this.profile, { recursive: true, force: true });
  }
}

// Every element of a DOM tree from Browser.dom(), depth first.
export function* elements(node) {
  if (node.name !== undefined && node.type === 1) {
    yield node;
  }
  for (const child of node.children ?? []) {
    yield* elements(child);
  }
}

export function textOf(node) {
  if (node.text !== undefined) {
    return node.text;
  }
  return (node.children ?? []).map(textOf).join("");
}

export function hasClass(node, name) {
  return (node.attributes?.class ?? "").split(/\s+/).includes(name);
}

// Decodes a PNG (8-bit RGB or RGBA, not interlaced: what Chromium writes) to {width, height,
// channels, pixels}.
export function decodePng(buffer) {
  if (buffer.subarray(0, 8).toString("hex") !== "89504e470d0a1a0a") {
    throw new Error("not a PNG file");
  }
  let offset = 8;
  let width = 0, height = 0, depth = 0, colour = 0, interlace = 0;
  const idat = [];
  while (offset < buffer.length) {
    const length = buffer.readUInt32BE(offset);
    const type = buffer.subarray(offset + 4, offset + 8).toString("latin1");
    const data = buffer.subarray(offset + 8, offset + 8 + length);
    if (type === "IHDR") {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      depth = data[8];
      colour = data[9];
      interlace = data[12];
    } else if (type === "IDAT") {
      idat.push(data);
    } else if (type === "IEND") {
      break;
    }
    offset += 12 + length;
  }
  const channels = { 2: 3, 6: 4 }[colour];
  if (depth !== 8 || !channels || interlace !== 0) {
    throw new Error(`unsupported PNG: depth ${depth}, colour type ${colour}, interlace ${interlace}`);
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const pixels = Buffer.alloc(height * stride);
  for (let y = 0; y < height; ++y) {
    const filter = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; ++x) {
      const a = x >= channels ? pixels[y * stride + x - channels] : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? pixels[(y - 1) * stride + x - channels] : 0;
      let value = line[x];
      if (filter === 1) value += a;
      else if (filter === 2) value += b;
      else if (filter === 3) value += (a + b) >> 1;
      else if (filter === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        value += pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      pixels[y * stride + x] = value & 0xff;
    }
  }
  return { width, height, channels, pixels };
}

// How a picture is coloured: the share of pixels that are not (near) white, and how many distinct
// colours (quantized to 4 bits a channel) it has.
export function inkStats(png) {
  const { width, height, channels, pixels } = png;
  let ink = 0;
  const colours = new Set();
  for (let i = 0; i < width * height; ++i) {
    const r = pixels[i * channels], g = pixels[i * channels + 1], b = pixels[i * channels + 2];
    if (r < 240 || g < 240 || b < 240) {
      ++ink;
    }
    colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (b >> 4));
  }
  return { inkShare: ink / (width * height), colours: colours.size };
}

// Pages of a PDF as Chromium (Skia) writes it: page objects are plain dictionaries
// "/Type /Page"; the page tree's root says "/Count N". Both are read and must agree.
export function pdfPages(buffer) {
  const text = buffer.toString("latin1");
  if (!text.startsWith("%PDF-")) {
    throw new Error("not a PDF file");
  }
  const objects = (text.match(/\/Type\s*\/Page(?![a-zA-Z])/g) ?? []).length;
  const counts = [...text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/g)].map(
    (m) => Number(m[1] ?? m[2]),
  );
  const root = counts.length ? Math.max(...counts) : -1;
  if (root !== objects) {
    throw new Error(`PDF page count unclear: ${objects} page objects, page tree says ${root}`);
  }
  return objects;
}

export function readJson(path) {
  return JSON.parse(readFileSync(path, "utf8"));
}
