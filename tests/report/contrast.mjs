// WCAG 2.x AA text contrast of a loaded page, as the browser computed it: every element with text
// of its own, its colour (HTML `color`, SVG `fill`) against the background behind it (the nearest
// ancestor's opaque background-color, white by default; for SVG text on a circle, the circle's
// fill). 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold).

function parseColour(text) {
  const m = /rgba?\(([^)]+)\)/.exec(text ?? "");
  if (!m) return null;
  const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
  return { r: parts[0], g: parts[1], b: parts[2], a: parts.length > 3 ? parts[3] : 1 };
}

function luminance({ r, g, b }) {
  const lin = (c) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastRatio(a, b) {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

// Problems of the page currently loaded in `browser` (tests/report/browser.mjs).
export async function contrastProblems(browser) {
  await browser.page("CSS.enable");
  const { root } = await browser.page("DOM.getDocument", { depth: -1 });
  const styles = new Map();
  const style = async (node) => {
    if (!styles.has(node.nodeId)) {
      const { computedStyle } = await browser.page("CSS.getComputedStyleForNode", { nodeId: node.nodeId });
      styles.set(node.nodeId, Object.fromEntries(computedStyle.map((p) => [p.name, p.value])));
    }
    return styles.get(node.nodeId);
  };
  const problems = [];
  let checked = 0;
  const skip = new Set(["head", "style", "title", "desc", "script"]);
  const walk = async (node, ancestors) => {
    if (node.nodeType !== 1 || skip.has(node.localName)) {
      return;
    }
    const chain = [...ancestors, node];
    const text = (node.children ?? []).filter((c) => c.nodeType === 3).map((c) => c.nodeValue).join("").trim();
    if (text) {
      const own = await style(node);
      const svgText = node.localName === "text" || node.localName === "tspan";
      if (own.display !== "none" && own.visibility !== "hidden") {
        const fg = parseColour(svgText ? own.fill : own.color);
        let bg = null;
        const group = svgText ? chain.slice().reverse().find((n) => n.localName === "g") : null;
        const circle = group?.children?.find((c) => c.localName === "circle");
        if (circle) {
          bg = parseColour((await style(circle)).fill);
        }
        for (let i = chain.length - 1; !bg && i >= 0; --i) {
          const c = parseColour((await style(chain[i]))["background-color"]);
          if (c && c.a > 0.99) bg = c;
        }
        bg ??= { r: 255, g: 255, b: 255, a: 1 };
        const size = parseFloat(own["font-size"]);
        const bold = Number(own["font-weight"]) >= 700;
        const need = size >= 24 || (size >= 18.66 && bold) ? 3 : 4.5;
        ++checked;
        if (!fg) {
          problems.push(`no colour for "${text.slice(0, 40)}" (<${node.localName}>)`);
        } else if (contrastRatio(fg, bg) < need) {
          problems.push(`"${text.slice(0, 40)}" (<${node.localName}>): contrast ${contrastRatio(fg, bg).toFixed(2)} < ${need} (${own.color ?? own.fill} on rgb(${bg.r}, ${bg.g}, ${bg.b}))`);
        }
      }
    }
    for (const child of node.children ?? []) {
      await walk(child, chain);
    }
  };
  await walk(root.children.find((c) => c.localName === "html") ?? root, []);
  return { problems, checked };
}
