/**
 * The page's one stylesheet, inline. System fonts only, so nothing is fetched for type; colours work in print and
 * for the common forms of colour blindness (one blue, greys, and a hatch rather than a second colour).
 */
export const PAGE_STYLE = `
:root { color-scheme: light; --ink: #1a202c; --muted: #4a5568; --rule: #cbd5e0; --bar: #2b6cb0; --hatch: #718096; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 960px; margin: 0 auto; padding: 24px 16px 48px; }
h1 { font-size: 1.8rem; margin: 0 0 4px; }
h2 { font-size: 1.3rem; margin: 40px 0 4px; }
p.range, p.description { color: var(--muted); margin-top: 0; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
section.note { border-left: 4px solid var(--bar); background: #f7fafc; padding: 4px 16px; margin: 24px 0; }
section.note h2 { margin-top: 12px; }
figure { margin: 16px 0; }
svg.chart { width: 100%; height: auto; display: block; }
svg.chart .bar { fill: var(--bar); }
svg.chart .grid { stroke: var(--rule); stroke-width: 1; }
svg.chart .axis-label { fill: var(--muted); font-size: 12px; }
svg .hatch-ground { fill: #fff; }
svg .hatch-line { stroke: var(--hatch); stroke-width: 2; }
svg.chart .suppressed { stroke: var(--hatch); stroke-width: 1; stroke-dasharray: 3 2; }
svg.chart .suppressed-mark { fill: var(--muted); font-size: 11px; }
figcaption { color: var(--muted); font-size: 0.9rem; }
svg.key { width: 14px; height: 14px; vertical-align: -2px; margin: 0 4px 0 12px; }
svg.key .bar { fill: var(--bar); }
table { border-collapse: collapse; min-width: 320px; margin: 8px 0; }
th, td { padding: 4px 12px; border-bottom: 1px solid var(--rule); text-align: left; }
td.count, tfoot td { text-align: right; font-variant-numeric: tabular-nums; }
td.suppressed { color: var(--muted); font-style: italic; }
tfoot th, tfoot td { font-weight: 600; border-top: 2px solid var(--ink); }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; }
dt { color: var(--muted); }
dd { margin: 0; }
`;
