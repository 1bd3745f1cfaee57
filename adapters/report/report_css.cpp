// The style sheets of the two pages. Colours meet WCAG AA on white (text 4.5:1 and more, bars'
// outlines 3:1 and more); every status also has its own outline, pattern or mark, so nothing
// depends on colour alone. Print: white background, one bug per page.
#include "adapters/report/page.h"

namespace bzjira::adapters::report {

namespace {

constexpr const char* k_base_css =
    ":root{color-scheme:light}"
    "*{box-sizing:border-box}"
    "body{margin:0 auto;max-width:1440px;padding:12px 20px 32px;color:#1f2328;background:#fff;"
    "font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Liberation Sans',"
    "'DejaVu Sans',Arial,sans-serif;overflow-wrap:break-word}"
    "h1,h2,.s,bdi{overflow-wrap:anywhere}"
    "h1{font-size:1.55em;margin:.3em 0 .1em}"
    "h2{font-size:1.25em;margin:1.4em 0 .3em;padding-top:.5em;border-top:2px solid #d1d9e0}"
    "h3{font-size:1.05em;margin:1em 0 .3em}"
    "a{color:#0550ae}"
    ".meta{color:#454c54;margin:.2em 0}"
    "table{border-collapse:collapse;font-variant-numeric:tabular-nums;margin:.4em 0}"
    "caption{text-align:left;color:#454c54;padding:2px 0}"
    "th,td{padding:3px 8px;border-bottom:1px solid #d1d9e0;text-align:right;vertical-align:top}"
    "thead th{border-bottom:2px solid #818b98;font-weight:600}"
    ".t{text-align:left}"
    "th[scope=row]{text-align:left;font-weight:normal}"
    ".d,.flag{white-space:nowrap}"
    "tfoot th,tfoot td{font-weight:600;border-top:2px solid #818b98}"
    ".bad{color:#a40e26;font-weight:600}"
    ".warn{color:#7d4e00;font-weight:600}"
    ".ok{color:#116329}"
    "code{font:.9em ui-monospace,'DejaVu Sans Mono',monospace;background:#f6f8fa;padding:0 3px}"
    "footer{margin-top:2em;color:#454c54;font-size:.9em;border-top:1px solid #d1d9e0}";

constexpr const char* k_audit_css =
    ".kpi{display:flex;flex-wrap:wrap;gap:6px 22px;margin:.5em 0;font-size:1.05em}"
    ".kpi b{font-size:1.35em}"
    "table.sum td.s{text-align:left;color:#454c54;max-width:28em}"
    ".defs{position:absolute;width:0;height:0;overflow:hidden}"
    "figure{margin:.5em 0}"
    "figcaption{color:#454c54;font-size:.9em}"
    "svg{display:block;width:100%;height:auto;font:11px system-ui,-apple-system,'Segoe UI',"
    "Roboto,'Noto Sans','Liberation Sans','DejaVu Sans',Arial,sans-serif}"
    "ul.legend{list-style:none;padding:0;margin:.4em 0;display:grid;"
    "grid-template-columns:repeat(auto-fill,minmax(22em,1fr));gap:2px 18px}"
    "ul.legend li{display:flex;align-items:center;gap:6px}"
    "svg.sw{display:inline-block;width:60px;height:20px;flex:none}"
    "svg text{fill:#1f2328}"
    ".lane{fill:#f6f8fa}"
    ".grid{stroke:#c8d1da;stroke-width:.6;fill:none}"
    ".ml,.nl,.ax{fill:#454c54}"
    ".nl{text-anchor:middle}"
    ".now{stroke:#1f2328;stroke-width:1.2;stroke-dasharray:4 3;fill:none}"
    ".b{stroke-width:1}"
    ".l{stroke-width:1}"
    ".e{fill:none;stroke-width:2}"
    ".t{fill:none;stroke:#1f2328;stroke-width:1.2;stroke-dasharray:2 1.5}"
    ".n{fill:#6639ba}"
    ".met .b{fill:#dafbe1;stroke:#1a7f37}.met .e{stroke:#1a7f37}"
    ".missed .b{fill:#ffebe9;stroke:#cf222e}.missed .l{fill:url(#hatch-missed);stroke:#cf222e}"
    ".missed .e{stroke:#a40e26}"
    ".overdue .b{fill:#ffcecb;stroke:#82071e}"
    ".overdue .l{fill:url(#hatch-overdue);stroke:#82071e}.overdue .e{stroke:#82071e}"
    ".open .b{fill:#fff8c5;stroke:#9a6700;stroke-dasharray:3 2}"
    ".void .b,.withdrawn .b{fill:#eff2f5;stroke:#59636e;stroke-dasharray:1 1.5}"
    ".void .e,.withdrawn .e{stroke:#59636e}"
    ".c,.c path{fill:none;stroke:#1f2328;stroke-width:5;stroke-linecap:round}"
    ".ca,.ca path{stroke:#0969da;stroke-width:6;stroke-linecap:square}"
    ".bot,.bot path{stroke:#818b98;stroke-width:3}"
    // Compact detail: bars are thick lines in mid tones (3:1 on white), ends marked in black.
    ".wc .b,.wc .l{fill:none;stroke-width:8}"
    ".wc .e{stroke:#1f2328;stroke-width:1.5}"
    ".wc.met .b{stroke:#1f883d}.wc.missed .b{stroke:#cf222e}.wc.overdue .b{stroke:#82071e}"
    ".wc.missed .l{stroke:url(#hatch-missed)}.wc.overdue .l{stroke:url(#hatch-overdue)}"
    ".wc.open .b{stroke:#9a6700;stroke-dasharray:4 2}"
    ".wc.void .b,.wc.withdrawn .b{stroke:#818b98;stroke-dasharray:2 2}"
    ".bar-late{fill:url(#hatch-missed);stroke:#cf222e}"
    ".bar-over{fill:url(#hatch-overdue);stroke:#82071e}"
    ".cnt.sm{font-weight:normal;font-size:9px}"
    ".lpc{fill:none;stroke:#a40e26;stroke-width:10;stroke-linecap:round}"
    ".lp circle{fill:#a40e26}.lp text{fill:#fff;font-size:9px;font-weight:700;text-anchor:middle}"
    ".cnt{text-anchor:middle;font-weight:600}"
    "ol.lapses{margin:.3em 0;padding-left:2em}"
    "ol.lapses li{margin:.15em 0}"
    "ol.lapses li::marker{color:#a40e26;font-weight:700}"
    ".tot{margin:.3em 0;color:#454c54}"
    "details{margin:.4em 0}"
    "summary{cursor:pointer;color:#0550ae}"
    "table.win{font-size:.92em}"
    ".gap{border:2px solid #9a6700;padding:4px 8px}"
    "@page{margin:12mm}"
    // Print: the summary and the first bug share page 1, each later bug starts a page. The
    // summary is kept compact (about 610 px of Letter's 965 with DejaVu Sans, the widest common
    // fallback) so that a different font set cannot push the first bug onto a second page.
    "@media print{"
    "body{max-width:none;padding:0;font-size:9.5px}"
    ".kpi{font-size:1em;gap:2px 14px}.kpi b{font-size:1.2em}"
    "table.sum{font-size:.9em}table.sum td.s{max-width:none;min-width:0}"
    "th,td{padding:1px 4px}"
    "h3{margin:.5em 0 .15em}figure{margin:.2em 0}"
    "svg.mc{height:56px}"
    "ul.legend{font-size:.9em;gap:0 10px;grid-template-columns:repeat(auto-fill,minmax(20em,1fr))}"
    "svg.sw{width:34px;height:12px}"
    ".screen{display:none}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "section.bug{break-before:page}"
    "section.bug.first{break-before:auto}"
    "figure,tr,li,.kpi{break-inside:avoid}"
    "h2,h3{break-after:avoid}"
    "h2{border-top:0;padding-top:0;margin:.5em 0 .2em}"
    "a{color:#1f2328;text-decoration:none}"
    "details{display:none}"
    "code{background:none}"
    "}";

constexpr const char* k_status_css =
    "body{max-width:1600px;font-size:16px}"
    "table.status{width:100%}"
    "table.status td,table.status th{padding:6px 10px}"
    "tr.overdue td,tr.overdue th{background:#ffebe9}"
    "tr.soon td,tr.soon th{background:#fff8c5}"
    ".flag{display:inline-block;font-size:.8em;font-weight:700;padding:0 6px;border:2px solid}"
    "tr.overdue .flag{color:#82071e;border-color:#82071e}"
    "tr.soon .flag{color:#7d4e00;border-color:#9a6700}"
    "tr.ahead .flag{color:#116329;border-color:#1a7f37}"
    "td.s{text-align:left;max-width:32em;min-width:16em}"
    "@media print{body{max-width:none;padding:0;font-size:11px}"
    "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
    "tr{break-inside:avoid}a{color:#1f2328}}";

}  // namespace

std::string audit_css() { return std::string(k_base_css) + k_audit_css; }
std::string status_css() { return std::string(k_base_css) + k_status_css; }

}  // namespace bzjira::adapters::report
