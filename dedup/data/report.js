"use strict";
// dedup's HTML report: renders the embedded JSON a page at a time. Text reaches the
// page only through text nodes (never as markup).
async function unpack(id) { // gzip, then base64 (the Python side's Packed)
  const bin = atob(document.getElementById(id).textContent), bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return JSON.parse(await new Response(stream).text());
}
(async function () {
  const app = document.getElementById("app");
  if (typeof DecompressionStream === "undefined") {
    app.textContent = "This browser cannot unpack the report (it needs DecompressionStream: Chrome 80, Firefox 113, Safari 16.4 or later).";
    return;
  }
  const D = await unpack("dedup-docs");
  const M = JSON.parse(document.getElementById("dedup-meta").textContent);
  const C = M.clusters, L = M.lines;
  window.dedupReport = { docs: D, meta: M };
  const PAGE = 50, DIFFS = 10, CTX = 12;
  const KIND = ["Jaccard", "containment", "same sentences", "Jaccard without the glued words"];

  function el(tag, props, ...kids) {
    const e = document.createElement(tag);
    for (const k in props || {}) {
      if (k === "class") e.className = props[k];
      else if (k === "on") for (const ev in props.on) e.addEventListener(ev, props.on[ev]);
      else e.setAttribute(k, props[k]);
    }
    for (const c of kids.flat(Infinity)) if (c !== null && c !== undefined && c !== false)
      e.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
    return e;
  }
  const fmt = (n) => Number(n).toLocaleString("en");
  const plural = (n, one, many) => fmt(n) + " " + (n === 1 ? one : many || one + "s");
  const page = (q) => Math.max(0, Math.floor(+q.get("p")) || 0);  // a page number from the address, never negative
  const clip = (s, n) => { s = s.replace(/\s+/g, " ").trim(); return s.length <= n ? s : s.slice(0, n - 1) + "…"; };
  const pct = (a, b) => b ? (100 * a / b).toFixed(a && a < b / 1000 ? 3 : 1) + "%" : "0%";
  const docLink = (i, label) => el("a", { href: "#doc/" + i }, label === undefined ? D[i].id : label);
  const anyDoc = (i, id) => i >= 0 ? docLink(i) : el("span", { title: "not in this report's input" }, id);

  const isDup = (d) => d.cl !== undefined;
  const isRep = (d) => isDup(d) && C[d.cl].rep === d.id;
  const FILTERS = {
    all: ["every document with a finding", () => true],
    removed: ["with within-document removals", (d) => !!d.rm],
    dup: ["in a near-duplicate cluster", isDup],
    boiler: ["with boilerplate lines", (d) => !!d.bp],
  };

  const SORTS = {
    input: ["in input order", null],
    removed: ["most characters removed first", (d) => d.rc || 0],
    boiler: ["most boilerplate lines first", (d) => (d.bp || []).length],
  };

  let browsing = null; // the last list drawn: the document view steps through it

  // ---- similarity and differing words (on the collapsed texts, as the clustering sees them)
  const kept = [], sets = [], low = [];
  function collapsed(i) {
    if (kept[i] === undefined) {
      const d = D[i], rm = (d.rm || []).slice().sort((a, b) => a[0] - b[0]);
      let out = "", pos = 0;
      for (const r of rm) { if (r[0] >= pos) { out += d.text.slice(pos, r[0]); pos = r[1]; } }
      kept[i] = out + d.text.slice(pos);
    }
    return kept[i];
  }
  const words = (s) => s.toLowerCase().match(/[\p{L}\p{N}_]+/gu) || [];
  function shingles(i) {
    if (sets[i] === undefined) {
      const w = words(collapsed(i)), k = M.shingle, s = new Set();
      if (w.length < k) s.add(w.join(" "));
      else for (let j = 0; j + k <= w.length; j++) s.add(w.slice(j, j + k).join(" "));
      sets[i] = s;
    }
    return sets[i];
  }
  function similarity(i, j) {
    const a = shingles(i), b = shingles(j);
    let n = 0;
    for (const x of a) if (b.has(x)) n++;
    const u = a.size + b.size - n;
    return u ? n / u : 1;
  }
  function simToRep(i) {
    const c = C[D[i].cl];
    return c.rd < 0 ? null : similarity(i, c.rd);
  }
  function diff(a, b) { // word ops turning a (the kept document) into b: [op, word], op 0 same, 1 only b, -1 only a
    let p = 0, s = 0;
    while (p < a.length && p < b.length && a[p] === b[p]) p++;
    while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
    const x = a.slice(p, a.length - s), y = b.slice(p, b.length - s), n = x.length, m = y.length;
    const head = a.slice(0, p).map((w) => [0, w]), tail = a.slice(a.length - s).map((w) => [0, w]);
    if (n * m > 4e6) { // too long for an exact alignment: mark the words the other text lacks
      const sa = new Set(x), sb = new Set(y);
      return head.concat(x.filter((w) => !sb.has(w)).map((w) => [-1, w]), y.map((w) => [sa.has(w) ? 0 : 1, w]), tail);
    }
    const t = new Uint16Array((n + 1) * (m + 1));
    for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--)
      t[i * (m + 1) + j] = x[i] === y[j] ? t[(i + 1) * (m + 1) + j + 1] + 1 : Math.max(t[(i + 1) * (m + 1) + j], t[i * (m + 1) + j + 1]);
    const ops = head;
    let i = 0, j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && x[i] === y[j]) { ops.push([0, x[i]]); i++; j++; }
      else if (j < m && (i === n || t[i * (m + 1) + j + 1] >= t[(i + 1) * (m + 1) + j])) ops.push([1, y[j++]]);
      else ops.push([-1, x[i++]]);
    }
    return ops.concat(tail);
  }
  function diffView(ops) {
    const out = el("div", { class: "t" });
    for (let k = 0; k < ops.length;) {
      let e = k;
      while (e < ops.length && ops[e][0] === ops[k][0]) e++;
      const run = ops.slice(k, e).map((o) => o[1]).join(" ") + " ";
      if (ops[k][0] === 1) out.append(el("ins", {}, run));
      else if (ops[k][0] === -1) out.append(el("del", {}, run));
      else if (e - k > 2 * CTX + 4) {
        if (k > 0) out.append(ops.slice(k, k + CTX).map((o) => o[1]).join(" ") + " ");
        out.append(el("span", { class: "gap" }, "[… " + plural(e - k - (k > 0 ? CTX : 0) - (e < ops.length ? CTX : 0), "same word") + " …] "));
        if (e < ops.length) out.append(ops.slice(e - CTX, e).map((o) => o[1]).join(" ") + " ");
      } else out.append(run);
      k = e;
    }
    return out;
  }
  const tokens = (i) => collapsed(i).split(/\s+/).filter(Boolean);

  // ---- views
  function pager(total, page, go, size = PAGE) {
    const pages = Math.max(1, Math.ceil(total / size));
    const from = total ? page * size + 1 : 0, to = Math.min(total, (page + 1) * size);
    return el("div", { class: "pager" },
      el("button", { type: "button", class: "prev", ...(page > 0 ? {} : { disabled: "" }), on: { click: () => go(page - 1) } }, "← previous"),
      `${fmt(from)}–${fmt(to)} of ${fmt(total)} (page ${fmt(page + 1)} of ${fmt(pages)})`,
      el("button", { type: "button", class: "next", ...(page + 1 < pages ? {} : { disabled: "" }), on: { click: () => go(page + 1) } }, "next →"));
  }
  function badges(d) {
    const b = [];
    if (d.rm) b.push(el("span", { class: "badge removed" }, `${plural(d.rm.length, "repeated paragraph")} removed (${plural(d.rc, "character")})`));
    if (isDup(d)) b.push(el("span", { class: "badge dup" }, isRep(d) ? `kept copy of ${plural(C[d.cl].size - 1, "near-duplicate")}` : "near-duplicate of " + C[d.cl].rep));
    if (d.bp) b.push(el("span", { class: "badge boiler" }, plural(d.bp.length, "boilerplate line")));
    return b;
  }
  function card(big, label, note) { return el("div", { class: "card" }, el("small", {}, label), el("b", {}, big), el("small", {}, note)); }
  function chart() {
    const rows = [["removed", "within-document removals", M.with_removals, "#d33"],
      ["dup", "in a near-duplicate cluster", D.filter(isDup).length, "#4a7cc0"],
      ["boiler", "with boilerplate lines", M.with_boilerplate, "#c90"],
      [null, "nothing found", M.quiet.length, "#aaa"]];
    const ns = document.getElementById("svg-ns").namespaceURI, W = 640, H = 26 * rows.length + 10, X = 190, max = Math.max(1, M.documents);
    const svg = document.createElementNS(ns, "svg");
    svg.setAttribute("width", W); svg.setAttribute("height", H); svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", "documents by what was found in them");
    const add = (tag, attrs, text) => {
      const e = document.createElementNS(ns, tag);
      for (const k in attrs) e.setAttribute(k, attrs[k]);
      if (text !== undefined) e.textContent = text;
      svg.appendChild(e); return e;
    };
    rows.forEach(([f, label, n, colour], k) => {
      const y = 6 + 26 * k, w = Math.max(n ? 2 : 0, (W - X - 110) * n / max);
      add("text", { x: 0, y: y + 14 }, label);
      const bar = add("rect", { x: X, y: y, width: w, height: 18, fill: colour, class: "bar" });
      if (f) bar.addEventListener("click", () => { location.hash = "docs?f=" + f; });
      add("text", { x: X + w + 6, y: y + 14 }, `${fmt(n)} (${pct(n, M.documents)})`);
    });
    return svg;
  }
  function overview() {
    if (M.single) {
      app.append(el("p", { class: "meta" }, `${plural(M.repeats, "repeated paragraph")} removed: ${fmt(M.removed_chars)} of ${plural(M.chars, "character")} (${pct(M.removed_chars, M.chars)}).`));
      docView(0);
      return;
    }
    const lineDocs = M.with_boilerplate;
    app.append(el("div", { class: "cards" },
      card(fmt(M.documents), "documents", `${fmt(D.length)} with something found, ${fmt(M.quiet.length)} with nothing`
        + (M.corpus_documents > M.documents ? `; the index holds ${fmt(M.corpus_documents)} in all` : "")),
      card(pct(M.removed_chars, M.chars), "characters removed within documents", `${fmt(M.removed_chars)} of ${fmt(M.chars)}: ${plural(M.repeats, "repeated paragraph")} in ${plural(M.with_removals, "document")}`),
      card(fmt(M.duplicates), "duplicate documents", `near-duplicates of ${plural(C.length, "kept document")} (clusters of 2 or more)`),
      card(fmt(L.length), "boilerplate lines", `distinct lines, found in ${plural(lineDocs, "document")}`)));
    app.append(el("h2", {}, "Documents by what was found in them (click a bar to list them)"), chart());
    const big = C.map((c, k) => k).sort((a, b) => C[b].size - C[a].size || a - b).slice(0, 5);
    app.append(el("h2", {}, "Largest near-duplicate clusters ", el("a", { href: "#clusters" }, "(all)")), clusterTable(big));
    const top = L.map((x, k) => k).sort((a, b) => L[b].docs - L[a].docs || a - b).slice(0, 5);
    app.append(el("h2", {}, "Most frequent boilerplate lines ", el("a", { href: "#boilerplate" }, "(all)")), lineTable(top));
  }
  function docsView(q) {
    const state = { f: Object.prototype.hasOwnProperty.call(FILTERS, q.get("f")) ? q.get("f") : "all", q: q.get("q") || "", p: page(q),
      s: Object.prototype.hasOwnProperty.call(SORTS, q.get("s")) ? q.get("s") : "input" };
    const list = el("div", { id: "results" });
    const save = () => history.replaceState(null, "", "#docs?" + new URLSearchParams({ f: state.f, q: state.q, s: state.s, p: state.p }));
    const sel = el("select", { id: "filter", "aria-label": "filter", on: { change: () => { state.f = sel.value; state.p = 0; save(); draw(); } } },
      Object.keys(FILTERS).map((k) => el("option", { value: k }, "Documents " + FILTERS[k][0])));
    sel.value = state.f;
    const order = el("select", { id: "sort", "aria-label": "order", on: { change: () => { state.s = order.value; state.p = 0; save(); draw(); } } },
      Object.keys(SORTS).map((k) => el("option", { value: k }, SORTS[k][0])));
    order.value = state.s;
    let timer = 0;
    const box = el("input", { type: "search", id: "search", placeholder: "search ids and text", "aria-label": "search",
      on: { input: () => { clearTimeout(timer); timer = setTimeout(() => { state.q = box.value; state.p = 0; save(); draw(); }, 150); } } });
    box.value = state.q;
    app.append(el("div", { class: "controls" }, sel, order, box), list);
    function draw() {
      const needle = state.q.trim().toLowerCase(), keep = FILTERS[state.f][1], hits = [];
      for (let i = 0; i < D.length; i++) {
        if (!keep(D[i])) continue;
        if (needle) {
          if (low[i] === undefined) low[i] = D[i].text.toLowerCase();
          if (!D[i].id.toLowerCase().includes(needle) && !low[i].includes(needle)) continue;
        }
        hits.push(i);
      }
      browsing = { hits, back: location.hash };
      if (SORTS[state.s][1]) hits.sort((a, b) => SORTS[state.s][1](D[b]) - SORTS[state.s][1](D[a]) || a - b);
      state.p = Math.min(state.p, Math.max(0, Math.ceil(hits.length / PAGE) - 1));
      list.replaceChildren();
      const go = (p) => { state.p = p; save(); draw(); window.scrollTo(0, 0); };
      list.append(pager(hits.length, state.p, go));
      for (const i of hits.slice(state.p * PAGE, (state.p + 1) * PAGE)) {
        const d = D[i], at = needle ? low[i].indexOf(needle) : -1;
        const snip = at > 60 ? "…" + clip(d.text.slice(at - 60, at + 200), 240) : clip(d.text.slice(0, 260), 240);
        list.append(el("div", { class: "row", "data-doc": i }, docLink(i), badges(d), el("div", { class: "snip" }, snip)));
      }
      if (!hits.length) list.append(el("p", { class: "empty" }, "No document matches."));
      const quiet = needle ? M.quiet.filter((id) => id.toLowerCase().includes(needle)) : [];
      if (quiet.length) list.append(el("p", { class: "empty" }, `${plural(quiet.length, "document")} with nothing found also match${quiet.length === 1 ? "es" : ""}: ` + clip(quiet.slice(0, 20).join(", "), 400)));
    }
    draw();
  }
  function why(d, r) {
    const [, , ws, we, sim, kind, run] = r;
    const text = kind === 2 ? "repeats sentences of the kept text above" :
      kind === 3 ? `the kept paragraph above with a credit or site name glued to its start (Jaccard ${sim.toFixed(2)} without the glued words)` :
      kind === 1 ? `contained in a longer kept paragraph above (${pct(sim, 1)} of its ${M.shingle}-word sequences are there)` :
      sim >= 0.9995 ? "same as the kept paragraph above" : `nearly the same as the kept paragraph above (Jaccard ${sim.toFixed(2)})`;
    const go = el("a", { href: "#doc/" + d.i, on: { click: (e) => { e.preventDefault(); flash("w" + ws); } } }, "show it");
    return el("span", { class: "why" }, text + (run > 1 ? ` — one of ${run} paragraphs repeated together` : "") + ": ",
      el("q", {}, clip(d.text.slice(ws, we), 120)), " ", go);
  }
  function flash(id) {
    const e = document.getElementById(id);
    if (!e) return;
    e.scrollIntoView({ block: "center" }); e.classList.add("flash"); setTimeout(() => e.classList.remove("flash"), 1500);
  }
  function body(d) {
    const marks = [];
    (d.rm || []).forEach((r) => { marks.push([r[0], r[1], 0, r]); marks.push([r[2], r[3], 2, r]); });
    (d.bp || []).forEach((b) => marks.push([b[0], b[1], 1, b]));
    marks.sort((a, b) => a[0] - b[0] || a[2] - b[2]);
    const out = el("div", { class: "t" });
    let pos = 0, last = null;
    for (const [s0, e, kind, x] of marks) {
      if (e <= pos) {
        if (kind === 2 && last && !last.id) last.id = "w" + s0; // (a kept copy inside a line marked already)
        continue;
      }
      const s = Math.max(s0, pos);
      if (s > pos) out.append(d.text.slice(pos, s));
      const t = d.text.slice(s, e).replace(/\r?\n$/, "");
      if (kind === 0) out.append(last = el("span", { class: "removed" }, t), why(d, x));
      else if (kind === 2) out.append(last = el("span", { class: "kept", id: "w" + s0 }, t));
      else {
        const line = L[x[2]];
        out.append(last = el("span", { class: "boiler", title: `boilerplate: in ${plural(line.docs, "document")}, under ${plural(line.stories, "different story", "different stories")}` }, t));
      }
      pos = e;
      const nl = /^\r?\n/.exec(d.text.slice(pos, pos + 2));  // (a block ends its line already)
      if (nl && t.length === e - s) pos += nl[0].length;
    }
    out.append(d.text.slice(pos));
    return out;
  }
  function docView(i) {
    const d = D[i];
    if (!d) { app.append(el("p", { class: "empty" }, "No such document in this report.")); return; }
    const notes = [];
    if (isDup(d)) {
      const c = C[d.cl];
      if (isRep(d)) notes.push(el("div", {}, `Kept document of a cluster of ${plural(c.size, "near-duplicate document")}: `, el("a", { href: "#cluster/" + d.cl }, "compare them")));
      else {
        const s = simToRep(i);
        notes.push(el("div", {}, "Near-duplicate of ", anyDoc(c.rd, c.rep), s === null ? "" : ` (similarity ${s.toFixed(2)})`,
          `, the kept document of a cluster of ${plural(c.size, "document")}: `, el("a", { href: "#cluster/" + d.cl }, "compare them")));
      }
    }
    if (d.rm) notes.push(el("div", {}, `${plural(d.rm.length, "paragraph")} removed (${plural(d.rc, "character")} of ${fmt(d.text.length)}), each repeating text kept earlier in this document`
      + (d.rm.some((r) => r[5] === 0 && r[4] < 0.9995) ? ` (Jaccard: the share of ${M.shingle}-word sequences two paragraphs have in common, 1 = the same).` : ".")));
    if (d.bp) {
      const firsts = [...new Set(d.bp.map((b) => b[2]))].map((n) => L[n]).filter((x) => x.first !== d.id);
      notes.push(el("div", {}, `${plural(d.bp.length, "boilerplate line")} (`, el("a", { href: "#boilerplate" }, "all boilerplate"), ")",
        firsts.length ? "; first seen in " : "", firsts.slice(0, 3).map((x, k) => [k ? ", " : "", anyDoc(x.fd, x.first)])));
    }
    if (!notes.length) notes.push(el("div", {}, "Nothing was removed from this document."));
    app.append(el("div", { class: "doc", id: "doc" }, steps(i), el("h2", {}, d.id, badges(d)), el("div", { class: "meta" }, notes), body(d)));
  }
  function steps(i) { // previous / next in the list the document was opened from
    const at = browsing && !M.single ? browsing.hits.indexOf(i) : -1;
    if (at < 0) return null;
    const h = browsing.hits, link = (k, label) => k >= 0 && k < h.length ? el("a", { href: "#doc/" + h[k], class: "step" }, label) : el("span", { class: "gap" }, label);
    return el("div", { class: "pager", id: "steps" }, link(at - 1, "← previous"), ` ${fmt(at + 1)} of ${fmt(h.length)} in `,
      el("a", { href: "#" + browsing.back.replace(/^#/, "") }, "the list"), " ", link(at + 1, "next →"), el("span", { class: "gap" }, " (keys ← →)"));
  }
  function clusterTable(ks) {
    return el("table", {}, el("tr", {}, el("th", {}, "kept document"), el("th", { class: "n" }, "documents"), el("th", {}, "beginning")),
      ks.map((k) => el("tr", {}, el("td", {}, el("a", { href: "#cluster/" + k }, C[k].rep)), el("td", { class: "n" }, fmt(C[k].size)),
        el("td", {}, clip(D[C[k].rd >= 0 ? C[k].rd : C[k].m[0]].text.slice(0, 300), 120)))));
  }
  function clustersView(q) {
    const order = C.map((c, k) => k).sort((a, b) => C[b].size - C[a].size || a - b), p = page(q);
    app.append(el("h2", {}, `${plural(C.length, "cluster")} of near-duplicate documents`),
      el("p", { class: "meta" }, `Documents whose ${M.shingle}-word sequences are at least ${M.doc_threshold} alike (--doc-threshold) form a cluster; it keeps its earliest document and --drop-duplicates leaves out the others.`),
      pager(order.length, p, (n) => { location.hash = "clusters?p=" + n; }), clusterTable(order.slice(p * PAGE, (p + 1) * PAGE)));
  }
  function clusterView(k, q) {
    const c = C[k];
    if (!c) { app.append(el("p", { class: "empty" }, "No such cluster in this report.")); return; }
    const sim = new Map(c.m.map((i) => [i, i === c.rd ? 1 : simToRep(i)]));
    const others = c.m.filter((i) => i !== c.rd).sort((a, b) => (sim.get(a) ?? 2) - (sim.get(b) ?? 2) || a - b);
    const p = page(q);
    app.append(el("h2", {}, `Cluster of ${plural(c.size, "near-duplicate document")}`),
      el("p", { class: "meta" }, "Kept document (the earliest): ", anyDoc(c.rd, c.rep), c.m.length < c.size ? `; ${plural(c.size - c.m.length, "member")} not in this input` : "",
        ". The others follow, least similar first."));
    const rows = (c.rd >= 0 ? [c.rd] : []).concat(others).map((i) => {
      const s = sim.get(i);
      return el("tr", {}, el("td", {}, docLink(i)), el("td", {}, i === c.rd ? "kept" : "near-duplicate"),
        el("td", { class: "n" }, s === null ? "?" : s.toFixed(3)), el("td", { class: "n" }, fmt(D[i].text.length)));
    });
    app.append(el("table", { id: "members" }, el("tr", {}, el("th", {}, "document"), el("th", {}, "role"),
      el("th", { class: "n" }, "similarity to the kept document"), el("th", { class: "n" }, "characters")), rows));
    if (c.rd < 0) return;
    const base = tokens(c.rd), shown = others.slice(p * DIFFS, (p + 1) * DIFFS);
    app.append(el("h2", {}, "Words that differ from the kept document"));
    if (others.length > DIFFS) app.append(pager(others.length, p, (n) => { location.hash = `cluster/${k}?p=${n}`; }, DIFFS));
    for (const i of shown) {
      const ops = diff(base, tokens(i)), n = ops.filter((o) => o[0]).length;
      app.append(el("div", { class: "diff", "data-doc": i }, el("div", { class: "meta" }, docLink(i), ` — ${plural(n, "word")} differ${n === 1 ? "s" : ""}`), diffView(ops)));
    }
  }
  function lineTable(ks) {
    return el("table", { id: "lines" }, el("tr", {}, el("th", {}, "line"), el("th", { class: "n" }, "documents"),
      el("th", { class: "n" }, "different stories"), el("th", {}, "first seen in"), el("th", {}, "examples")),
      ks.map((k) => { const x = L[k]; return el("tr", {}, el("td", {}, x.text), el("td", { class: "n" }, fmt(x.docs)), el("td", { class: "n" }, x.stories < M.boilerplate_min ? el("span", { title: "boilerplate by its form: lines of this shape recur under many stories" }, fmt(x.stories) + " (by its form)") : fmt(x.stories)),
        el("td", {}, anyDoc(x.fd, x.first)), el("td", {}, x.ex.map((i, j) => [j ? ", " : "", docLink(i)]))); }));
  }
  function boilerView(q) {
    const order = L.map((x, k) => k).sort((a, b) => L[b].docs - L[a].docs || a - b), p = page(q);
    app.append(el("h2", {}, plural(L.length, "boilerplate line")),
      el("p", { class: "meta" }, `A line is boilerplate when it recurs under at least ${M.boilerplate_min || "several"} different stories (near-duplicate documents count as one story): footers, share links, ads; or when lines of its form (such as "Reporter: NAME" or a dateline) do, though each differs. "Documents" counts every document holding it.`),
      pager(order.length, p, (n) => { location.hash = "boilerplate?p=" + n; }), lineTable(order.slice(p * PAGE, (p + 1) * PAGE)));
  }
  function route() {
    const h = location.hash.slice(1) || "overview", at = h.indexOf("?");
    const path = (at < 0 ? h : h.slice(0, at)).split("/"), q = new URLSearchParams(at < 0 ? "" : h.slice(at + 1));
    app.replaceChildren();
    document.querySelectorAll("nav a").forEach((a) => a.classList.toggle("on", a.dataset.view === path[0] ||
      (path[0] === "doc" && a.dataset.view === "docs") || (path[0] === "cluster" && a.dataset.view === "clusters")));
    if (path[0] === "doc") docView(+path[1]);
    else if (path[0] === "docs") docsView(q);
    else if (path[0] === "clusters") clustersView(q);
    else if (path[0] === "cluster") clusterView(+path[1], q);
    else if (path[0] === "boilerplate") boilerView(q);
    else overview();
    if (path[0] !== "docs") window.scrollTo(0, 0);
    document.body.dataset.view = path[0];
  }
  window.addEventListener("hashchange", route);
  window.addEventListener("keydown", (e) => {
    const steps = document.querySelectorAll("#steps a.step"), t = e.target.tagName;
    if (t === "INPUT" || t === "SELECT" || e.altKey || e.ctrlKey || e.metaKey || !steps.length) return;
    const want = e.key === "ArrowLeft" ? "←" : e.key === "ArrowRight" ? "→" : null;
    const a = want && [...steps].find((x) => x.textContent.includes(want));
    if (a) { e.preventDefault(); location.hash = a.getAttribute("href"); }
  });
  route();
}());
