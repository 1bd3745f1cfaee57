// Issue 15, point 5: hostile Bugzilla text is inert in both HTML pages. The demo dataset is
// rewritten with hostile summaries (script tags, attribute breakouts, </title>, </style>,
// javascript: links, right-to-left overrides, 10 KB), logins, whiteboards and comment texts; the
// pages bzjira renders from it are parsed by Chromium, and the parsed DOM must hold no element or
// attribute that the template (template.mjs) does not write, no link but the template's, no bidi
// override, and the hostile text must still be there as text. A self-test first plants the same
// text unescaped and proves the check reports it.
// Usage: node check_hostile_report.mjs BZJIRA SOURCE_DIR WORK_DIR
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Browser, elements, textOf } from "./browser.mjs";
import { templateProblems } from "./template.mjs";

const [bzjira, source, work] = process.argv.slice(2);
if (!bzjira || !source || !work) {
  console.error("usage: node check_hostile_report.mjs BZJIRA SOURCE_DIR WORK_DIR");
  process.exit(2);
}
mkdirSync(work, { recursive: true });
const problems = [];
const check = (ok, message) => ok || problems.push(message);

const RLO = "\u202E";
// In this order: the pages clip long text (status summaries at 120 characters, headings at 300),
// so the first ones are checked on both pages, all but the last two on the report.
const payloads = [
  "&lt;pre-escaped&gt; &#x3C;script&#x3E;",
  "<script>alert('s')</script>",
  "\"><img src=x onerror=alert('i')>",
  "</title><script>alert('t')</script>",
  "javascript:alert('j') <a href=\"javascript:alert('a')\">click</a>",
  "'><svg onload=alert('v')>",
  "</style><style>body{display:none}</style>",
  `${RLO}fdp.exe`,
  "<iframe src=\"http://127.0.0.1:9/\"></iframe><!-- ]]> -->",
];
const hostile = payloads.join(" ");
const huge = (hostile + " ").repeat(Math.ceil(10240 / hostile.length)).slice(0, 10240);

// The demo with every piece of Bugzilla text made hostile; the CA's accounts stay as they are so
// the obligations keep their shape.
const mapping = JSON.parse(readFileSync(join(source, "mappings/demo.json"), "utf8"));
const ca = new Set(mapping.bugzilla.ca_accounts.map((a) => a.toLowerCase()));
const dataset = JSON.parse(readFileSync(join(source, "deploy/demo/example-ca.dataset.json"), "utf8"));
const evilLogin = (login) => (ca.has(login.toLowerCase()) ? login : `${login.split("@")[0]}"><img src=x onerror=alert(1)>${RLO}@evil.test`);
dataset.bugs.forEach((bug, i) => {
  const prefix = bug.summary.startsWith("Example CA:") ? "Example CA: " : "Other CA: ";
  bug.summary = prefix + (i === 0 ? huge : hostile);
  bug.whiteboard = `${bug.whiteboard} ${hostile}`;
  bug.creator = evilLogin(bug.creator);
  for (const flag of bug.flags ?? []) {
    flag.setter = evilLogin(flag.setter);
  }
});
for (const comments of Object.values(dataset.comments)) {
  for (const c of comments) {
    for (const key of ["author", "creator"]) {
      if (typeof c[key] === "string") c[key] = evilLogin(c[key]);
    }
    c.text = `${hostile}\n${c.text}`;
    if (typeof c.raw_text === "string") c.raw_text = c.text;
  }
}
const datasetPath = join(work, "hostile.dataset.json");
writeFileSync(datasetPath, JSON.stringify(dataset));

function render(command, out, extra = []) {
  const r = spawnSync(bzjira, [command, "-c", join(source, "mappings/demo.json"), "--from-file", datasetPath,
    "--now", "2026-11-26T12:00:00Z", "--format", "html", "-o", out, ...extra], { encoding: "utf8" });
  if (r.status !== 0) {
    throw new Error(`bzjira ${command} exited ${r.status}: ${r.stderr}`);
  }
  return pathToFileURL(out).href;
}
const reportUrl = render("audit", join(work, "hostile-report.html"));
const statusUrl = render("status", join(work, "hostile-status.html"), ["--state", join(work, "none.db")]);

// Everything a DOM holds as text or attribute values.
function allText(node, out = []) {
  if (node.text !== undefined) out.push(node.text);
  for (const v of Object.values(node.attributes ?? {})) out.push(v);
  for (const c of node.children ?? []) allText(c, out);
  return out;
}

const browser = await Browser.launch();
try {
  // Self-test: the same text pasted unescaped into the page must be reported.
  const planted = join(work, "planted.html");
  writeFileSync(planted, readFileSync(join(work, "hostile-report.html"), "utf8").replace("<main>", `<main><p>${hostile}</p>`));
  await browser.load(pathToFileURL(planted).href);
  const plantedProblems = templateProblems(await browser.dom(), { bugzilla: "http://127.0.0.1:8080" });
  for (const want of ["<img>", "onerror", "<iframe>", "javascript:"]) {
    check(plantedProblems.some((p) => p.includes(want)), `self-test: unescaped text with ${want} was not reported`);
  }

  for (const [name, url, links] of [
    ["audit report", reportUrl, { bugzilla: "http://127.0.0.1:8080" }],
    ["status page", statusUrl, { bugzilla: "http://127.0.0.1:8080", jira: "http://127.0.0.1:8081" }],
  ]) {
    const loaded = await browser.load(url);
    check(JSON.stringify(loaded.requests) === JSON.stringify([url]), `${name}: requests besides its own file: ${JSON.stringify(loaded.requests)}`);
    check(loaded.errors.length === 0, `${name}: console errors: ${JSON.stringify(loaded.errors)}`);
    const dom = await browser.dom();
    for (const p of templateProblems(dom, links)) {
      problems.push(`${name}: ${p}`);
    }
    const texts = allText(dom);
    check(!texts.some((t) => t.includes(RLO)), `${name}: a right-to-left override reached the page`);
    const styles = [...elements(dom)].filter((e) => e.name === "style");
    check(styles.length === 1, `${name}: ${styles.length} <style> elements, the template has one`);
    // Still there, as text: escaped, not dropped.
    const body = textOf([...elements(dom)].find((e) => e.name === "body"));
    for (const p of payloads.slice(0, name === "status page" ? 3 : 7)) {
      check(body.includes(p), `${name}: the text ${JSON.stringify(p)} is not shown as text`);
    }
    if (name === "audit report") {
      const headings = [...elements(dom)].filter((e) => e.name === "h2").map(textOf);
      const longest = Math.max(...headings.map((h) => [...h].length));
      check(longest < 400, `${name}: a 10 KB summary was not clipped in its heading (${longest} characters)`);
      const titles = [...elements(dom)].filter((e) => e.name === "title").map(textOf);
      check(titles.some((t) => t.includes("onerror=alert(1)") && t.startsWith("Comment ")),
        `${name}: the hostile login is not in a comment marker's title`);
    }
  }
} finally {
  await browser.close();
}

for (const p of problems) {
  console.log(`FAIL: ${p}`);
}
if (problems.length > 0) {
  process.exit(1);
}
console.log("hostile text ok: both pages hold only the template's elements, attributes and links");
