"use strict";
// The dashboard: draws the report's charts from /api/charts, the verdict and ledger for the chosen window from
// /api/assessment, and drills from a ledger cell to its indicators (/api/cell) and their raw rows (/api/sources).
// The page state (window, seed, map year, selected cell and indicator) lives in the URL.

const CONFIG = {responsive: true, displaylogo: false};
const KINDS = ["domestic", "interdependence", "westphalian", "international_legal"];
const state = {first: 2000, last: 2025, seed: 0, mapYear: null, cell: null, indicator: null,
               perspective: null, weights: null, exclude: [], reference: "", scenario: ""};
let summary = null, charts = null, perspectives = [], scenarios = [], whatIfRequest = 0;

async function getJSON(url) {
  const response = await fetch(url);
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = text;
  if (cls) node.className = cls;
  return node;
}
function cell(text) { return el("td", text ?? ""); }
function fmt(x) {
  if (x === null || x === undefined) return "";
  return Math.abs(x) < 1000 ? String(Number(Number(x).toPrecision(3))) : Math.round(x).toLocaleString("en");
}
function wrap(text, width = 70) {  // break a long chart title into lines (the maps sit side by side)
  const lines = [];
  let line = "";
  for (const word of String(text).split(" ")) {
    if (line && line.length + word.length + 1 > width) { lines.push(line); line = word; }
    else line = line ? `${line} ${word}` : word;
  }
  return [...lines, line].join("<br>");
}
function interval(mid, low, high) {
  if (mid === null || mid === undefined) return "missing";
  return low === null || low === undefined ? fmt(mid) : `${fmt(mid)} (${fmt(low)}–${fmt(high)})`;
}

// ---------------------------------------------------------------------------------------------- URL state
function readURL() {
  const q = new URLSearchParams(location.search);
  const years = (q.get("years") || "").split(":");
  if (years.length === 2 && years.every(y => /^\d{4}$/.test(y))) { state.first = +years[0]; state.last = +years[1]; }
  if (/^\d+$/.test(q.get("seed") || "")) state.seed = +q.get("seed");
  if (/^\d{4}$/.test(q.get("map") || "")) state.mapYear = +q.get("map");
  const c = (q.get("cell") || "").split(":");
  if (c.length === 3 && /^\d{4}$/.test(c[2])) state.cell = {state: c[0], kind: c[1], year: +c[2]};
  if (q.get("indicator")) state.indicator = q.get("indicator");
  if (q.get("perspective")) state.perspective = q.get("perspective");
  if (KINDS.some(k => q.has(`w_${k}`))) state.weights = Object.fromEntries(KINDS.map(k => [k, +(q.get(`w_${k}`) || 0)]));
  if (q.get("exclude")) state.exclude = q.get("exclude").split(",").filter(Boolean);
  if (q.get("reference")) state.reference = q.get("reference");
  if (q.get("scenario")) state.scenario = q.get("scenario");
  document.getElementById("first").value = state.first;
  document.getElementById("last").value = state.last;
  document.getElementById("seed").value = state.seed;
}
function writeURL() {
  const q = new URLSearchParams();
  q.set("years", `${state.first}:${state.last}`);
  if (state.seed) q.set("seed", state.seed);
  if (state.mapYear) q.set("map", state.mapYear);
  if (state.cell) q.set("cell", `${state.cell.state}:${state.cell.kind}:${state.cell.year}`);
  if (state.indicator) q.set("indicator", state.indicator);
  for (const [key, value] of specParams()) q.set(key, value);
  history.replaceState(null, "", `${location.pathname}?${q}`);
}

// The what-if's part of a query: perspective, kind weights (only once the visitor has set them), exclusions,
// reference choice — the same parameters /api/whatif and /api/whatif.toml read.
function specParams() {
  const q = new URLSearchParams();
  if (!state.perspective) return q;
  q.set("perspective", state.perspective);
  if (state.weights) for (const kind of KINDS) q.set(`w_${kind}`, state.weights[kind]);
  if (state.exclude.length) q.set("exclude", state.exclude.join(","));
  if (state.reference) q.set("reference", state.reference);
  if (state.scenario) q.set("scenario", state.scenario);
  return q;
}

// ---------------------------------------------------------------------------------------------- charts
function narrow(id) {
  const node = document.getElementById(id);
  if (node && node.data) Plotly.relayout(node, {"xaxis.range": [state.first - 0.5, state.last + 0.5]});
}

function drawLedger() {
  const figure = charts.ledger;
  Plotly.newPlot("ledger", figure.data, {...figure.layout, xaxis: {...(figure.layout.xaxis || {}),
    range: [state.first - 0.5, state.last + 0.5]}}, CONFIG);
  const labels = Object.fromEntries(Object.entries(summary.kind_labels).map(([kind, label]) => [label, kind]));
  document.getElementById("ledger").on("plotly_click", event => {
    const point = event.points[0];
    const [who, label] = String(point.y).split(" · ");
    state.cell = {state: who, kind: labels[label], year: +point.x};
    state.indicator = null;
    writeURL();
    drill().catch(showError);
  });
}

function drawIronRiver() {
  if (!charts.iron_river) {
    document.getElementById("iron-river").textContent = "The iron-river estimate is not included in this run.";
    return;
  }
  const figure = charts.iron_river;
  Plotly.newPlot("iron-river", figure.data, {...figure.layout, xaxis: {...(figure.layout.xaxis || {}),
    range: [state.first - 0.5, state.last + 0.5]}}, CONFIG);
}

function drawMap(id, section) {
  if (!section) { document.getElementById(id).textContent = "This map is not available in this run."; return; }
  Plotly.newPlot(id, section.figure.data, section.figure.layout, CONFIG);
}

function setMapYear(year) {
  const slider = document.getElementById("map-year");
  state.mapYear = year;
  slider.value = year;
  document.getElementById("map-year-label").textContent = year;
  for (const [id, section] of [["map-us", charts.maps.us], ["map-mx", charts.maps.mx]]) {
    if (!section) continue;
    const node = document.getElementById(id);
    const known = section.years.filter(y => y <= year);
    const frame = section.frames[String(known.length ? known[known.length - 1] : section.years[0])];
    const indices = frame.fillcolor.map((_, i) => i);
    Plotly.restyle(node, {fillcolor: frame.fillcolor, name: frame.name}, indices);
    Plotly.restyle(node, {"marker.cmax": frame.cmax}, [frame.fillcolor.length]);
    const note = known.length && known[known.length - 1] !== year ? ` (no data for ${year}; latest before it shown)` : "";
    Plotly.relayout(node, {"title.text": wrap(frame.title + note), "title.font.size": 13});
  }
}

function drawMaps() {
  drawMap("map-us", charts.maps.us);
  drawMap("map-mx", charts.maps.mx);
  const years = [...(charts.maps.us ? charts.maps.us.years : []), ...(charts.maps.mx ? charts.maps.mx.years : [])];
  if (!years.length) return;
  const slider = document.getElementById("map-year");
  slider.min = Math.min(...years);
  slider.max = Math.max(...years);
  slider.addEventListener("input", () => { setMapYear(+slider.value); writeURL(); });
  setMapYear(state.mapYear && state.mapYear >= +slider.min && state.mapYear <= +slider.max ? state.mapYear : +slider.max);
}

function drawTimeline() {
  Plotly.newPlot("timeline", charts.timeline.data, charts.timeline.layout, CONFIG);
}

// ---------------------------------------------------------------------------------------------- headline and marks
// The verdict names its headline year and why (the headline rule); cells resting partly on values not observed
// that year carry the report's mark ("*" and a letter per flag) in the heatmap's text and in the tables; the
// summary sends each indicator status's mark (summary.status_marks), so the letters are defined once, in Python.
function statusMark(status) {  // an indicator's status as a visible mark ("" if observed or missing)
  const mark = (summary.status_marks || {})[status];
  return mark ? ` ${mark}` : "";
}

function cellMark(label, year) {  // the mark the report's heatmap gives a cell (statuses do not depend on the window)
  const trace = charts.ledger.data[0];
  const row = trace.y.indexOf(label), column = trace.x.indexOf(year);
  const text = row < 0 || column < 0 ? "" : String(trace.text[row][column] || "");
  return text.includes("<br>") ? `<br>${text.split("<br>")[1]}` : "";
}

function showHeadline() {
  const verdict = document.getElementById("verdict");
  verdict.textContent = summary.verdict.summary || summary.verdict.sentence;
  verdict.dataset.year = summary.verdict.year;
  const words = summary.plain_words || {};
  document.getElementById("threat-scale").textContent = words.threat_score || "";
  document.getElementById("mark-legend").textContent = words.marks || "";
  const later = summary.headline ? summary.headline.later_years : [];
  document.getElementById("later-years").replaceChildren(...later.map(y => el("li", `${y.year}: ${y.why_not.join("; ")}`)));
  document.getElementById("headline-rule").textContent = summary.headline ? summary.headline.rule : "";
  markHeadline();
}

function markHeadline() {  // frame the window's headline year on the ledger heatmap
  const node = document.getElementById("ledger");
  if (!node || !node.data) return;
  const year = summary.verdict.year;
  const annotations = (charts.ledger.layout.annotations || []).concat([{text: `headline year ${year}`, x: year,
    xref: "x", y: 1, yref: "paper", yanchor: "bottom", showarrow: false, font: {size: 10}}]);
  Plotly.relayout(node, {shapes: [{type: "rect", xref: "x", yref: "paper", x0: year - 0.5, x1: year + 0.5, y0: 0,
    y1: 1, line: {color: "#111", width: 2}}], annotations});
}

// ---------------------------------------------------------------------------------------------- drill-down
async function drill() {
  const section = document.getElementById("drill");
  if (!state.cell) { section.hidden = true; return; }
  const {state: who, kind, year} = state.cell;
  const rows = await getJSON(`/api/cell?state=${who}&kind=${kind}&year=${year}&seed=${state.seed}`);
  section.hidden = false;
  document.getElementById("drill-title").textContent =
    `${who} · ${summary.kind_labels[kind] || kind} · ${year}: the indicators behind this cell`;
  const body = document.querySelector("#drill-indicators tbody");
  body.replaceChildren(...rows.map(r => {
    const tr = el("tr", null, "clickable");
    tr.dataset.indicator = r.id;
    tr.append(cell(`${r.title} (${r.id})${r.used ? "" : " — not used this year"}`),
              cell(interval(r.threat, r.threat_low90, r.threat_high90) + statusMark(r.status)),
              cell(interval(r.value, r.low90, r.high90)),
              cell(r.unit), cell(r.transform), cell(r.lineage));
    tr.addEventListener("click", () => { state.indicator = r.id; writeURL(); showSources().catch(showError); });
    return tr;
  }));
  document.getElementById("drill-sources").replaceChildren();
  if (state.indicator) await showSources();
  section.scrollIntoView({block: "nearest"});
}

function recordTable(rows) {
  const table = el("table");
  if (!rows.length) return el("p", "no rows match", "note");
  const columns = Object.keys(rows[0]);
  const head = el("tr");
  head.append(...columns.map(c => el("th", c)));
  table.append(el("thead"), el("tbody"));
  table.tHead.append(head);
  table.tBodies[0].append(...rows.map(r => { const tr = el("tr"); tr.append(...columns.map(c => cell(r[c]))); return tr; }));
  return table;
}

function describeSource(s) {
  const box = el("div", null, "source");
  box.dataset.type = s.type;
  if (s.type === "store") {
    const filters = Object.entries(s.filters).map(([k, v]) => `${k} = ${v.join(" or ")}`).join(", ");
    box.append(el("h3", `Store table ${s.table} (dataset ${s.dataset}; raw files: ${s.files.join(", ")})`),
               el("p", `${s.matched} row(s) where ${filters || "—"}${s.year !== null ? `, year ${s.year}` : ""}` +
                       `; "row" is the row number in the table.`, "note"), recordTable(s.rows.map(r => {
                         const {raw, ...rest} = r;
                         return rest;
                       })), rawLines(s.rows));
  } else if (s.type === "literature") {
    box.append(el("h3", `Cited figure ${s.id}: ${fmt(s.value)} ${s.unit || ""}` +
                        (s.low !== null || s.high !== null ? ` (${fmt(s.low)}–${fmt(s.high)})` : "") +
                        (s.period ? `, ${s.period}` : "")));
    const grade = el("p");
    grade.append(el("span", `quality: ${s.quality || s.source_kind || "not graded"}`, "grade"),
                 document.createTextNode(` — source: ${s.source}`));
    box.append(grade);
  } else if (s.type === "timeline") {
    box.append(el("h3", `Event ${s.id} (${s.date})`), el("p", `${s.event} — source: ${s.source}`));
  } else if (s.type === "model") {
    box.append(el("h3", `Model ${s.model}`), el("p", s.note, "note"));
  } else if (s.type === "assumption") {
    box.append(el("h3", `Named assumption ${s.id}`), el("p", "a stated range, shown in the report's assumptions", "note"));
  }
  return box;
}

// The raw file's own lines behind store rows (where the table carries each row's source file and line).
function rawLines(rows) {
  const lines = rows.filter(r => r.raw).slice(0, 12);
  if (!lines.length) return el("p", "These rows are sums over several raw lines (no single line to show).", "note");
  const box = el("div", null, "raw-lines");
  box.dataset.testid = "raw-lines";
  box.append(el("h4", `The raw lines (file in the data package, line number, the file's own values)`));
  const list = el("ul");
  for (const r of lines) {
    const item = el("li");
    item.dataset.testid = "raw-line";
    item.append(el("code", `${r.raw.file}:${r.raw.line}`),
                document.createTextNode(` — ${Object.entries(r.raw.values).map(([k, v]) => `${k} = ${v}`).join("; ")}`));
    list.append(item);
  }
  box.append(list);
  return box;
}

async function showSources() {
  const {year} = state.cell;
  for (const tr of document.querySelectorAll("#drill-indicators tbody tr"))
    tr.classList.toggle("selected", tr.dataset.indicator === state.indicator);
  const result = await getJSON(`/api/sources?indicator=${encodeURIComponent(state.indicator)}&year=${year}&seed=${state.seed}`);
  const box = document.getElementById("drill-sources");
  const heading = el("h3", `Where ${result.indicator} in ${result.year} comes from`);
  const lineage = el("p", result.lineage || "no value this year", "note");
  box.replaceChildren(heading, lineage, ...result.sources.map(describeSource));
}

// ---------------------------------------------------------------------------------------------- what-if
function whatIfActive() {
  return state.perspective && (state.perspective !== "neutral" || state.weights || state.exclude.length || state.reference
                               || state.scenario);
}

function setWeightControls() {
  const chosen = perspectives.find(p => p.name === state.perspective);
  const weights = state.weights || (chosen && chosen.weights
    ? Object.fromEntries(KINDS.map(k => [k, Math.round(100 * chosen.weights[k])])) : null);
  for (const kind of KINDS) {
    const input = document.querySelector(`[data-testid="weight-${kind}"]`);
    input.value = weights ? weights[kind] : 25;
    input.nextElementSibling.textContent = weights ? weights[kind] : "drawn";
  }
  document.getElementById("reference").value = state.reference;
  for (const box of document.querySelectorAll("#indicator-boxes input")) box.checked = !state.exclude.includes(box.value);
}

function buildWhatIf(indicators) {
  const select = document.getElementById("spec-select");
  select.replaceChildren(...perspectives.map(p => {
    const option = el("option", `${p.name} — ${p.description}`);
    option.value = p.name;
    return option;
  }));
  if (!perspectives.some(p => p.name === state.perspective)) state.perspective = "neutral";
  select.value = state.perspective;
  const weights = document.getElementById("weights");
  for (const kind of KINDS) {
    const label = el("label", `${summary.kind_labels[kind]} `);
    const input = el("input");
    Object.assign(input, {type: "range", min: 0, max: 100, step: 1, id: `weight-${kind}`});
    input.dataset.testid = `weight-${kind}`;
    input.addEventListener("input", () => {
      state.weights = Object.fromEntries(KINDS.map(k => [k, +document.getElementById(`weight-${k}`).value]));
      input.nextElementSibling.textContent = input.value;
      whatIfChanged();
    });
    label.append(input, el("output"));
    weights.append(label);
  }
  document.getElementById("indicator-boxes").replaceChildren(...indicators.map(r => {
    const label = el("label");
    const box = el("input");
    Object.assign(box, {type: "checkbox", value: r.id, checked: true});
    box.dataset.testid = `include-${r.id}`;
    box.addEventListener("change", () => {
      state.exclude = [...document.querySelectorAll("#indicator-boxes input")].filter(b => !b.checked).map(b => b.value);
      whatIfChanged();
    });
    label.append(box, document.createTextNode(`${r.state} · ${r.title}`));
    return label;
  }));
  select.addEventListener("change", () => { state.perspective = select.value; state.weights = null; setWeightControls(); whatIfChanged(); });
  document.getElementById("reference").addEventListener("change", event => { state.reference = event.target.value; whatIfChanged(); });
  buildScenarioControl();
  document.getElementById("reset-whatif").addEventListener("click", () => {
    state.weights = null; state.exclude = []; state.reference = ""; setWeightControls(); whatIfChanged();
  });
  setWeightControls();
  document.getElementById("whatif").hidden = false;
}

function showWhatIf(result) {
  const verdict = result.verdict;
  const p = verdict.p_mex_more === null ? "not comparable" : verdict.p_mex_more.toFixed(3);
  document.getElementById("verdict").textContent =
    `${verdict.summary} [What-if, ${result.specification}${result.scenario ? `, scenario ${result.scenario}` : ""}: P(Mexico's sovereignty is the more threatened, ${verdict.year}) = ${p}.]`;
  document.getElementById("verdict").dataset.p = p;
  document.getElementById("whatif-note").textContent = result.notes.join(" ");
  // redraw the heatmap's cells from the re-aggregated ledger (same rows and columns as the report's chart)
  const node = document.getElementById("ledger"), trace = node.data[0];
  const labels = Object.fromEntries(Object.entries(summary.kind_labels).map(([kind, label]) => [label, kind]));
  const cells = new Map(result.ledger.map(r => [`${r.state}|${r.kind}|${r.year}`, r]));
  const z = [], text = [], hover = [];
  for (const label of trace.y) {
    const [who, kindLabel] = String(label).split(" · ");
    const kind = labels[kindLabel];
    const row = trace.x.map(year => cells.get(`${who}|${kind}|${year}`));
    z.push(row.map(r => (r ? r.median : null)));
    text.push(row.map((r, j) => (r && r.median !== null ? r.median.toFixed(2) + cellMark(label, trace.x[j]) : "")));
    hover.push(row.map((r, j) => (r && r.median !== null
      ? `${label} ${trace.x[j]}: median ${r.median.toFixed(2)}, 90% interval ${r.low90.toFixed(2)}–${r.high90.toFixed(2)} (what-if: ${result.specification})`
      : "")));
  }
  // the verdict is painted first, the heatmap just after that frame (its cell labels are most of a redraw's cost)
  requestAnimationFrame(() => setTimeout(() => Plotly.restyle(node, {z: [z], text: [text], hovertext: [hover]}, [0])));
}

async function updateWhatIf() {
  const download = document.getElementById("download-spec");
  const params = specParams();
  params.set("seed", state.seed);
  params.set("years", `${state.first}:${state.last}`);
  download.href = `/api/whatif.toml?${params}`;
  writeURL();
  if (!whatIfActive()) {
    document.getElementById("verdict").textContent = summary.verdict.summary;
    document.getElementById("whatif-note").textContent = "";
    document.getElementById("command").textContent = plainCommand();
    Plotly.restyle("ledger", {z: [charts.ledger.data[0].z], text: [charts.ledger.data[0].text],
                              hovertext: [charts.ledger.data[0].hovertext]}, [0]);
    return;
  }
  const ticket = ++whatIfRequest;
  const result = await getWhatIf(`/api/whatif?${params}`);
  if (ticket === whatIfRequest) {  // a later change has already been sent: drop this answer
    showWhatIf(result);
    document.getElementById("command").textContent = result.command;
  }
}

// One what-if request at a time: a change made while one is in flight is sent when it returns (only the latest
// state), so a dragged slider neither floods the server nor waits on a timer.
let whatIfBusy = false, whatIfAgain = false;
function whatIfChanged() {
  if (whatIfBusy) { whatIfAgain = true; return; }
  whatIfBusy = true;
  updateWhatIf().catch(showError).finally(() => {
    whatIfBusy = false;
    if (whatIfAgain) { whatIfAgain = false; whatIfChanged(); }
  });
}

// ---------------------------------------------------------------------------------------------- policy scenario
// A scenario changes the modelled flows, so the server runs the models once for it (in its bounded queue) and
// keeps the run: the first what-if under a scenario waits minutes, later ones are a re-aggregation.
function buildScenarioControl() {
  const select = document.getElementById("scenario-select");
  for (const s of scenarios) {
    const option = el("option", `${s.name} — ${s.description}`);
    option.value = s.name;
    select.append(option);
  }
  if (!scenarios.some(s => s.name === state.scenario)) state.scenario = "";
  select.value = state.scenario;
  select.addEventListener("change", () => { state.scenario = select.value; whatIfChanged(); });
}

function plainCommand() {
  return `ironriver assess --years ${state.first}:${state.last}${state.seed ? ` --seed ${state.seed}` : ""}`;
}

// GET a what-if; while a scenario's model run is going, say so; a full queue (503) is retried after Retry-After.
async function getWhatIf(url, attempt = 0) {
  const status = document.getElementById("whatif-status");
  const slow = state.scenario && setTimeout(() => {
    status.textContent = `computing the "${state.scenario}" scenario: the models run once on the server (minutes)…`;
    status.dataset.computing = "true";
  }, 400);
  try {
    const response = await fetch(url);
    const body = await response.json();
    if (response.status === 503 && attempt < 40) {
      status.textContent = `the server is busy with other model runs; trying again in ${response.headers.get("Retry-After")} s…`;
      await new Promise(resolve => setTimeout(resolve, 1000 * (+response.headers.get("Retry-After") || 5)));
      return getWhatIf(url, attempt + 1);
    }
    if (!response.ok) throw new Error(body.error || response.statusText);
    status.textContent = "";
    delete status.dataset.computing;
    return body;
  } finally {
    clearTimeout(slow);
  }
}

// ---------------------------------------------------------------------------------------------- tables
async function fillLiterature(search) {
  const rows = await getJSON(`/api/literature?search=${encodeURIComponent(search)}`);
  document.querySelector("#literature tbody").replaceChildren(...rows.slice(0, 200).map(r => {
    const tr = el("tr");
    tr.append(cell(r.id), cell(fmt(r.value)), cell(r.low !== null || r.high !== null ? `${fmt(r.low)}–${fmt(r.high)}` : ""),
              cell(r.unit), cell(r.period), cell(r.quality || r.source_kind), cell(r.source));
    return tr;
  }));
}

async function fillClaims(attempt = 0) {
  // the claims are a model run on the server's bounded queue: a busy queue answers 503, so try again later
  const response = await fetch(`/api/claims?seed=${state.seed}`);
  if (response.status === 503 && attempt < 20) {
    const wait = 1000 * (+response.headers.get("Retry-After") || 5);
    return new Promise(resolve => setTimeout(() => resolve(fillClaims(attempt + 1)), wait));
  }
  const rows = await response.json();
  if (!response.ok) throw new Error(rows.error || response.statusText);
  document.querySelector("#claims tbody").replaceChildren(...rows.map(r => {
    const tr = el("tr");
    tr.dataset.claim = r.id;
    tr.append(cell(`${r.id}: ${r.claim}`), cell(r.status), cell(r.why), cell(r.would_change));
    return tr;
  }));
  document.getElementById("claims-note").textContent = "";
}

async function fillTables() {
  const rows = await getJSON("/api/tables");
  document.querySelector("#tables tbody").replaceChildren(...rows.map(r => {
    const tr = el("tr");
    tr.append(cell(r.table), cell(r.dataset), cell(r.rows.toLocaleString("en")), cell(r.description));
    return tr;
  }));
}

// ---------------------------------------------------------------------------------------------- main
function showError(error) {
  document.getElementById("error").textContent = error.message;
  document.getElementById("status").textContent = "";
}

async function runAssessment(redraw) {
  document.getElementById("error").textContent = "";
  document.getElementById("status").textContent = "running…";
  try {
    const next = await getJSON(`/api/assessment?years=${state.first}:${state.last}&seed=${state.seed}`);
    if (redraw || !charts) charts = await getJSON(`/api/charts?seed=${state.seed}`);
    summary = next;
    document.getElementById("missing").textContent = summary.not_included.length
      ? `Not included in this run: ${summary.not_included.join("; ")}` : "";
    if (redraw) { drawLedger(); drawIronRiver(); drawMaps(); drawTimeline(); }
    else { narrow("ledger"); narrow("iron-river"); }
    showHeadline();
    if (perspectives.length && !document.getElementById("spec-select").options.length) buildWhatIf(summary.indicator_list);
    if (perspectives.length) await updateWhatIf();
    writeURL();
    if (state.cell) await drill();
    document.getElementById("status").textContent = "";
  } catch (error) {
    showError(error);
  }
}

function start() {
  readURL();
  document.getElementById("controls").addEventListener("submit", event => {
    event.preventDefault();
    const seed = +document.getElementById("seed").value;
    const redraw = seed !== state.seed;
    state.first = +document.getElementById("first").value;
    state.last = +document.getElementById("last").value;
    state.seed = seed;
    runAssessment(redraw);
  });
  document.getElementById("literature-form").addEventListener("submit", event => {
    event.preventDefault();
    fillLiterature(document.getElementById("literature-search").value).catch(showError);
  });
  Promise.all([getJSON("/api/perspectives"), getJSON("/api/scenarios")])
    .then(([list, known]) => { perspectives = list; scenarios = known; })
    .catch(() => { perspectives = []; })
    .then(() => Promise.all([runAssessment(true), fillLiterature("flow_"), fillTables()]))
    .catch(showError)
    .finally(() => { document.body.dataset.ready = "true"; });
  fillClaims().catch(error => { document.getElementById("claims-note").textContent = error.message; })
    .finally(() => { document.body.dataset.claims = "done"; });
}

document.addEventListener("DOMContentLoaded", start);
