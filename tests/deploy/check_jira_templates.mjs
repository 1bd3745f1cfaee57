// Checks deploy/jira: every JSON file parses; the automation templates have the shape of Jira
// Cloud's "Export rules" file (ids are UUIDs, known component types, placeholders only, webhook
// bodies that stay JSON) and do what issue 6 asks; and every JQL string (a "jql" member in any
// JSON file, a ```jql block in any .md file) is accepted by the Jira simulator's
// POST /rest/api/3/search/jql. A self-test first proves the simulator rejects a bad query.
// Usage: node check_jira_templates.mjs JIRA_DIR BZJIRA_SIM_BINARY
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [dir, sim] = process.argv.slice(2);
if (!dir || !sim) {
  console.error("usage: node check_jira_templates.mjs JIRA_DIR BZJIRA_SIM_BINARY");
  process.exit(2);
}

const problems = [];
const fail = (where, message) => problems.push(`${where}: ${message}`);
const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
// Component types these templates may use (all seen in rules exported from Jira Cloud).
const knownTypes = new Set([
  "jira.jql.scheduled", "jira.issue.outgoing.webhook", "jira.issue.outgoing.email",
  "jira.issue.condition", "jira.issue.edit",
]);
const placeholders = new Set(["REPLACE_WITH_CLOUD_ID", "REPLACE_WITH_RULE_OWNER_ACCOUNT_ID"]);

const jqls = [];  // {where, jql}

// Every "jql" string anywhere in a JSON value.
function collectJql(value, where) {
  if (Array.isArray(value)) {
    value.forEach((v, i) => collectJql(v, `${where}[${i}]`));
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      if (k === "jql" && typeof v === "string") {
        jqls.push({ where: `${where}.jql`, jql: v });
      } else {
        collectJql(v, `${where}.${k}`);
      }
    }
  }
}

// Every component of a rule, depth first (children and conditions included).
function* components(list) {
  for (const c of list ?? []) {
    yield c;
    yield* components(c.conditions);
    yield* components(c.children);
  }
}

function checkRules(file, doc) {
  if (doc.cloud !== true || !Array.isArray(doc.rules) || doc.rules.length === 0) {
    fail(file, 'expected the export shape {"cloud": true, "rules": [...]}');
    return [];
  }
  const ids = new Set();
  for (const rule of doc.rules) {
    const where = `${file}: rule '${rule.name}'`;
    if (typeof rule.name !== "string" || !rule.name.startsWith("bzjira: ")) {
      fail(where, "name must start with 'bzjira: '");
    }
    if (rule.state !== "DISABLED") {
      fail(where, "ship rules DISABLED: the placeholders must be replaced before they run");
    }
    if (!uuid.test(rule.idUuid ?? "")) {
      fail(where, "idUuid must be a UUID");
    }
    if (rule.trigger?.component !== "TRIGGER") {
      fail(where, "trigger.component must be TRIGGER");
    }
    for (const c of [rule.trigger, ...components(rule.trigger?.conditions), ...components(rule.components)]) {
      if (!c) {
        continue;
      }
      if (!uuid.test(c.id ?? "") || ids.has(c.id)) {
        fail(where, `component id ${c.id} must be a UUID unique in the file`);
      }
      ids.add(c.id);
      if (!knownTypes.has(c.type)) {
        fail(where, `unknown component type ${c.type}`);
      }
      if (!Number.isInteger(c.schemaVersion)) {
        fail(where, `${c.type}: schemaVersion must be an integer`);
      }
      if (c.type === "jira.jql.scheduled") {
        const cron = c.value?.schedule?.cronExpression ?? "";
        if (c.value?.schedule?.method !== "CRON" || !/^(\S+\s+){5}\S+(\s+\S+)?$/.test(cron)) {
          fail(where, `schedule must be a Quartz CRON expression, got '${cron}'`);
        }
      }
      if (c.type === "jira.issue.outgoing.webhook") {
        if (!/^https:\/\/.*REPLACE/.test(c.value?.url ?? "")) {
          fail(where, "the webhook URL must be an https placeholder containing REPLACE");
        }
        try {
          JSON.parse((c.value?.customBody ?? "").replace(/\{\{[^}]*\}\}/g, "x"));
        } catch (error) {
          fail(where, `the webhook body is not JSON once smart values are filled in: ${error.message}`);
        }
      }
    }
    for (const token of JSON.stringify(rule).match(/REPLACE_[A-Z_]*/g) ?? []) {
      if (!placeholders.has(token) && token !== "REPLACE_") {
        fail(where, `unexpected placeholder ${token}`);
      }
    }
    collectJql(rule, where);
  }
  return doc.rules;
}

const rules = [];
for (const file of readdirSync(dir).sort()) {
  const path = join(dir, file);
  if (file.endsWith(".json")) {
    let doc;
    try {
      doc = JSON.parse(readFileSync(path, "utf8"));
    } catch (error) {
      fail(file, `not JSON: ${error.message}`);
      continue;
    }
    if (file.endsWith(".automation.json")) {
      rules.push(...checkRules(file, doc));
    } else {
      collectJql(doc, file);
    }
  } else if (file.endsWith(".md")) {
    const text = readFileSync(path, "utf8");
    for (const m of text.matchAll(/```jql\n([\s\S]*?)```/g)) {
      for (const line of m[1].split("\n").map((l) => l.trim()).filter(Boolean)) {
        jqls.push({ where: `${file} (jql block)`, jql: line });
      }
    }
  }
}

// What issue 6 asks for, by behaviour.
const jqlOf = (r) => r.trigger?.value?.jql ?? "";
const types = (r) => [...components(r.components)].map((c) => c.type);
const base = (q) => q.includes("labels = bzjira") && q.includes("resolution = Unresolved");
const daily = rules.find((r) => base(jqlOf(r)) && jqlOf(r).includes('duedate <= endOfDay("+1d")'));
if (!daily) {
  fail(dir, 'no rule on labels = bzjira AND resolution = Unresolved AND duedate <= endOfDay("+1d")');
} else {
  const email = [...components(daily.components)].find((c) => c.type === "jira.issue.outgoing.email");
  if (!email?.value?.to?.some((t) => t.type === "COPY" && t.value === "assignee")) {
    fail(dir, "the daily rule must e-mail the assignee");
  }
  if (!types(daily).includes("jira.issue.outgoing.webhook")) {
    fail(dir, "the daily rule must post to a chat webhook");
  }
}
const overdue = rules.find((r) => base(jqlOf(r)) && jqlOf(r).includes("duedate < startOfDay()"));
if (!overdue) {
  fail(dir, "no escalation rule on duedate < startOfDay()");
} else {
  const ops = [...components(overdue.components)].flatMap((c) => c.value?.operations ?? []);
  if (!ops.some((o) => o.field?.value === "priority" && o.type === "SET")) {
    fail(dir, "the escalation rule must raise the priority");
  }
  if (!ops.some((o) => o.field?.value === "labels" && o.type === "ADD" &&
                       o.value?.some?.((v) => v.value === "overdue"))) {
    fail(dir, "the escalation rule must add the label overdue");
  }
}
if (jqls.length === 0) {
  fail(dir, "no JQL found");
}

// Ask the simulator about each query.
const work = mkdtempSync(join(tmpdir(), "bzjira-jql-"));
const portsFile = join(work, "ports.json");
const child = spawn(sim, ["--jira-port", "0", "--ports-file", portsFile], { stdio: ["ignore", "ignore", "pipe"] });
let simErrors = "";
child.stderr.on("data", (d) => { simErrors += d; });
try {
  let port;
  for (let i = 0; i < 200 && port === undefined; i++) {
    if (child.exitCode !== null) {
      break;
    }
    if (existsSync(portsFile)) {
      try {
        port = JSON.parse(readFileSync(portsFile, "utf8")).jira;
      } catch {
        // written but not complete yet
      }
    }
    if (port === undefined) {
      await new Promise((r) => setTimeout(r, 50));
    }
  }
  if (!Number.isInteger(port)) {
    throw new Error(`bzjira-sim did not start: ${simErrors}`);
  }
  const search = async (jql) => {
    const response = await fetch(`http://127.0.0.1:${port}/rest/api/3/search/jql`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        Authorization: `Basic ${Buffer.from("checker@example.com:token").toString("base64")}`,
      },
      body: JSON.stringify({ jql, maxResults: 1, fields: ["summary"] }),
    });
    return { status: response.status, body: await response.text() };
  };
  const bad = await search("labels = bzjira AND duedat < startOfDay()");
  if (bad.status !== 400) {
    fail("self-test", `the simulator accepted a query with an unknown field (HTTP ${bad.status})`);
  }
  for (const { where, jql } of jqls) {
    const { status, body } = await search(jql);
    if (status !== 200) {
      fail(where, `the Jira simulator rejects ${JSON.stringify(jql)}: HTTP ${status} ${body}`);
    }
  }
} catch (error) {
  fail("simulator", error.message);
} finally {
  child.kill("SIGTERM");
  rmSync(work, { recursive: true, force: true });
}

for (const p of problems) {
  console.log(`FAIL: ${p}`);
}
if (problems.length > 0) {
  process.exit(1);
}
console.log(`jira ok: ${rules.length} rules, ${jqls.length} JQL queries accepted by the simulator, self-test ok`);
