// Runs a viewer page's script under node with a minimal DOM (a quick check with
// no browser): prints JSON {cells: [{data, background}], errors}.
const fs = require("fs");
const html = fs.readFileSync(process.argv[2], "utf8");
const data = html.match(/<script id="lens-data" type="application\/json">([\s\S]*?)<\/script>/)[1];
const script = html.match(/<script>\n([\s\S]*?)<\/script><\/body>/)[1];
const all = [];
function el(tag) {
  const e = {tagName: tag, children: [], style: {}, dataset: {}, textContent: "", value: "",
    appendChild(c) { this.children.push(c); return c; }};
  all.push(e); return e;
}
const byId = {"lens-data": {textContent: data}, controls: el("div"), view: el("div"), tip: el("div")};
global.document = {getElementById: id => byId[id], createElement: el};
let errors = [];
try { eval(script + "\n;global.__step = (e, t) => { example = e; tick = t; draw(); };"); }
catch (e) { errors.push(String(e)); }
const step = process.argv[3];
if (step && global.__step) { const [e, t] = step.split(",").map(Number); global.__step(e, t); }
const cells = all.filter(e => e.tagName === "td").map(e => ({data: e.dataset, background: e.style.background}));
const selects = all.filter(e => e.tagName === "select").length;
console.log(JSON.stringify({cells, errors, selects}));
