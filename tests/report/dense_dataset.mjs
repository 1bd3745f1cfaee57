// A dense year for the timeline pictures (issue 15: "a bug with 200 windows is readable at
// 1400 px wide"): one Example CA bug from 2025-11-27 to the demo's time 2026-11-26, a CA status
// update every 6 days, a question from the community on 2 days of every 5, and a 16-day silence
// of the CA in March (late answers, one lapse). About 60 update and 146 question windows.
// Deterministic. Usage as a program: node dense_dataset.mjs OUT.json
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const day = 86400 * 1000;
const start = Date.parse("2025-11-27T09:00:00Z");
const iso = (ms) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
const ca = "compliance@example-ca.test";
const community = ["m.keller@community.test", "p.nguyen@community.test", "rootstore@chrome-root.test"];
export const denseBugId = 2069001;

export function denseDataset() {
  const comments = [];
  const add = (ms, author, text) =>
    comments.push({
      is_private: false, tags: [], author, creator: author, text, raw_text: text, reactions: {},
      creation_time: iso(ms), time: iso(ms), id: 19000000 + comments.length, bug_id: denseBugId,
      attachment_id: null, count: comments.length, collapsed: false,
    });
  add(start, ca, "## Preliminary Incident Report\n\nA year-long remediation, reported weekly.");
  for (let d = 1; d < 365; ++d) {
    const silent = d >= 110 && d < 126;  // the CA says nothing for 16 days
    if (!silent && d % 6 === 0) {
      add(start + d * day, ca, `## Status Update\n\nDay ${d}: work continues.`);
    }
    if ((d * 7) % 5 < 2) {
      add(start + d * day + 5 * 3600 * 1000, community[d % community.length], `Question on day ${d}?`);
    }
  }
  const last = comments[comments.length - 1].creation_time;
  const person = (login) => ({ id: 1, real_name: login, nick: login.split("@")[0], name: login, email: login });
  return {
    bugs: [{
      id: denseBugId, alias: [], summary: "Example CA: A year of weekly updates and questions (dense timeline)",
      status: "ASSIGNED", resolution: "", is_open: true, whiteboard: "[ca-compliance] [dense-timeline]",
      product: "CA Program", component: "CA Certificate Compliance", type: "task", version: "other",
      platform: "Unspecified", op_sys: "Unspecified", priority: "--", severity: "--", keywords: [], groups: [],
      creator: ca, creator_detail: person(ca), assigned_to: ca, assigned_to_detail: person(ca), cc: [], cc_detail: [],
      creation_time: iso(start), last_change_time: last, flags: [], comment_count: comments.length,
      see_also: [], depends_on: [], blocks: [], dupe_of: null, deadline: null, url: "",
    }],
    comments: { [denseBugId]: comments },
    history: { [denseBugId]: [] },
    api_keys: {},
    insiders: [],
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (!process.argv[2]) {
    console.error("usage: node dense_dataset.mjs OUT.json");
    process.exit(2);
  }
  writeFileSync(process.argv[2], JSON.stringify(denseDataset(), null, 1));
}
