// What the two HTML pages' templates (adapters/report) can produce: every element and, per
// element, every attribute. A page parsed by the browser that holds anything else got it from
// data: that is the hostile-text check's failure. Links may only go to the page's own sections,
// to the mapping's Bugzilla bugs or to its Jira issues.
import { elements } from "./browser.mjs";

const common = ["class"];
const svgShape = ["class", "d", "role", "x", "y", "width", "height", "fill", "stroke", "stroke-width"];

export const allowed = {
  html: ["lang"],
  head: [],
  meta: ["charset", "http-equiv", "content", "name"],
  title: ["id"],
  style: [],
  body: [],
  header: [],
  main: [],
  footer: [],
  section: ["class", "id", "aria-labelledby"],
  h1: [],
  h2: ["id"],
  h3: [],
  p: common,
  span: common,
  b: [],
  strong: [],
  code: [],
  bdi: [],
  a: ["href", "rel"],
  table: common,
  caption: [],
  thead: [],
  tbody: [],
  tfoot: [],
  tr: common,
  th: ["scope", "class", "colspan"],
  td: common,
  ul: common,
  ol: common,
  li: [],
  figure: [],
  figcaption: [],
  details: [],
  summary: [],
  svg: ["class", "viewBox", "aria-hidden", "focusable", "role", "aria-labelledby", "aria-describedby"],
  defs: [],
  pattern: ["id", "width", "height", "patternUnits", "patternTransform"],
  g: ["class", "role"],
  rect: svgShape,
  path: svgShape,
  text: ["class", "x", "y"],
  tspan: ["x", "y"],
  circle: ["cx", "cy", "r"],
  desc: ["id"],
};

// Problems of a parsed page against the template: unknown elements or attributes, event
// handler attributes, links that are not to the page, `bugzilla` bugs or `jira` issues, ids that
// are not the template's.
export function templateProblems(dom, { bugzilla = "", jira = "" } = {}) {
  const problems = [];
  const linkOk = (href) =>
    /^#(bug-\d+|summary)$/.test(href) ||
    (bugzilla !== "" && href.startsWith(`${bugzilla}/show_bug.cgi?id=`) &&
      /^\d+$/.test(href.slice(`${bugzilla}/show_bug.cgi?id=`.length))) ||
    (jira !== "" && href.startsWith(`${jira}/browse/`) &&
      /^[A-Z][A-Z0-9_]*-\d+$/.test(href.slice(`${jira}/browse/`.length)));
  const idOk = (id) => /^(summary|summary-h|bug-\d+|bug-\d+-h|mc-t|mc-d|hatch-missed|hatch-overdue)$/.test(id);
  for (const e of elements(dom)) {
    const names = allowed[e.name];
    if (names === undefined) {
      problems.push(`element <${e.name}> is not in the template`);
    }
    for (const [name, value] of Object.entries(e.attributes)) {
      if (names !== undefined && !names.includes(name)) {
        problems.push(`<${e.name}> has attribute ${name}="${String(value).slice(0, 60)}" that the template never writes`);
      }
      if (/^on/i.test(name)) {
        problems.push(`<${e.name}> has an event handler ${name}`);
      }
    }
    if (e.name === "a" && !linkOk(e.attributes.href ?? "")) {
      problems.push(`<a href="${String(e.attributes.href).slice(0, 80)}"> is not a link the template makes`);
    }
    if (e.attributes.id !== undefined && !idOk(e.attributes.id)) {
      problems.push(`id="${e.attributes.id.slice(0, 60)}" is not one the template makes`);
    }
    if (e.name === "meta" && e.attributes["http-equiv"] !== undefined &&
        !["Content-Security-Policy", "refresh"].includes(e.attributes["http-equiv"])) {
      problems.push(`<meta http-equiv="${e.attributes["http-equiv"]}"> is not the template's`);
    }
  }
  const metas = [...elements(dom)].filter((e) => e.name === "meta" && e.attributes["http-equiv"] === "Content-Security-Policy");
  if (metas.length !== 1) {
    problems.push(`expected one Content-Security-Policy meta, found ${metas.length}`);
  } else if (!/^default-src 'none';/.test(metas[0].attributes.content) || !/script-src 'none'/.test(metas[0].attributes.content)) {
    problems.push(`the Content-Security-Policy does not forbid everything by default: ${metas[0].attributes.content}`);
  }
  return problems;
}
