// Search page: Pagefind's JS API on the index the build wrote.
// The page works as a plain form without this script; with it, results appear
// as you type, and the whole state (words, facets, sort, page) lives in the
// address so it can be shared, bookmarked and restored with Back:
//   /cari/?q=kanker&sektor=kesehatan&provinsi=id-jk&urut=terbaru&halaman=2
// Within one facet, values combine with OR; across facets, with AND.
// Every text shown comes from data-* attributes the template fills from the
// strings file, so this script holds no language of its own.

const root = document.getElementById("search");
const form = document.getElementById("search-form");
const input = document.getElementById("q");
const sortSelect = document.getElementById("urut");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");
const suggestions = document.getElementById("search-suggestions");
const pages = document.getElementById("search-pages");
const previousButton = document.getElementById("search-previous");
const nextButton = document.getElementById("search-next");
const pageLabel = document.getElementById("search-page");
const fallback = document.getElementById("search-fallback");
const text = root.dataset;
const PAGE_SIZE = 20;
const SORTS = { terbaru: { mulai: "desc" }, judul: { judul: "asc" } };
const facets = [...form.querySelectorAll("fieldset[data-facet]")].map((f) => f.dataset.facet);

let pagefind = null;
let filtersLoaded = null; // a promise, once the filter index is asked for
let results = [];
let runId = 0;
// The counts the build wrote into the page are those of an empty search: shown
// again whenever the search is emptied, so the filter index need not load for them.
const builtCounts = new Map(
  [...form.querySelectorAll("[data-count]")].map((count) => [count, count.textContent]),
);

// --- state <-> address <-> form ----------------------------------------------------------

function stateFromUrl() {
  const params = new URLSearchParams(window.location.search);
  const filters = {};
  for (const name of facets) filters[name] = params.getAll(name);
  const sort = SORTS[params.get("urut")] ? params.get("urut") : "";
  const page = Math.max(1, Number.parseInt(params.get("halaman") || "1", 10) || 1);
  return { q: (params.get("q") || "").trim(), filters, sort, page };
}

function stateFromForm(page = 1) {
  const data = new FormData(form);
  const filters = {};
  for (const name of facets) filters[name] = data.getAll(name).map(String);
  const sort = SORTS[data.get("urut")] ? String(data.get("urut")) : "";
  return { q: String(data.get("q") || "").trim(), filters, sort, page };
}

// A facet with too many values to list (agency) has no boxes in the page: each
// value in the address gets one, named by its key until a result tells its name.
function addBoxes(state) {
  for (const fieldset of form.querySelectorAll("fieldset[data-facet][hidden]")) {
    const name = fieldset.dataset.facet;
    for (const value of state.filters[name]) {
      if (fieldset.querySelector(`input[value="${CSS.escape(value)}"]`)) continue;
      const id = `f-${name}-${value}`;
      const item = element("li");
      const box = element("input");
      Object.assign(box, { type: "checkbox", id, name, value });
      box.dataset.label = value;
      box.dataset.unnamed = "";
      const label = element("label", "", `${value} `);
      label.htmlFor = id;
      label.append(element("span", "muted count"));
      label.lastChild.dataset.count = "";
      item.append(box, label);
      fieldset.querySelector("ul").append(item);
    }
    if (fieldset.querySelector("input")) fieldset.hidden = false;
  }
}

// Name each added box after the first profile it finds (all of them share the value).
async function nameBoxes() {
  for (const box of form.querySelectorAll("input[data-unnamed]")) {
    const found = await pagefind.search(text.everyProfile, { filters: { [box.name]: box.value } });
    if (found.results.length === 0) continue;
    const name = (await found.results[0].data()).meta[box.name];
    if (!name) continue;
    delete box.dataset.unnamed;
    box.dataset.label = name;
    const label = form.querySelector(`label[for="${CSS.escape(box.id)}"]`);
    label.firstChild.textContent = `${name} `;
  }
}

function showInForm(state) {
  addBoxes(state);
  input.value = state.q;
  sortSelect.value = state.sort;
  for (const box of form.querySelectorAll("input[type=checkbox]")) {
    box.checked = (state.filters[box.name] || []).includes(box.value);
  }
  showChosen(state);
}

// The facets may be folded away (phones): say on their summary how many are ticked.
function showChosen(state) {
  const n = facets.reduce((sum, name) => sum + state.filters[name].length, 0);
  document.getElementById("facets-chosen").textContent = n ? text.chosen.replace("{n}", n) : "";
}

function toQuery(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const name of facets) for (const value of state.filters[name]) params.append(name, value);
  if (state.sort) params.set("urut", state.sort);
  if (state.page > 1) params.set("halaman", String(state.page));
  const query = params.toString();
  return query ? `?${query}` : window.location.pathname;
}

function isEmpty(state) {
  return !state.q && facets.every((name) => state.filters[name].length === 0);
}

// --- searching ----------------------------------------------------------------------------

function pagefindFilters(state, without = "") {
  const filters = {};
  for (const name of facets) {
    if (name !== without && state.filters[name].length) filters[name] = { any: state.filters[name] };
  }
  return filters;
}

function searchOptions(state, filters) {
  // An empty `filters` object makes Pagefind skip the facet counts: pass it only when set.
  const options = Object.keys(filters).length ? { filters } : {};
  if (state.sort) options.sort = SORTS[state.sort];
  return options;
}

// With no words, search the word every profile is indexed with (EVERY_PROFILE in
// katalog/pages.py): Pagefind's own "no words" search downloads its whole word
// index. Such results have no relevance to rank by, so they come in title order.
function find(state, filters) {
  const options = searchOptions(state, filters);
  if (state.q) return pagefind.search(state.q, options);
  options.sort = options.sort || SORTS.judul;
  return pagefind.search(text.everyProfile, options);
}

// Values of one facet combine with OR, so the count beside each value of a
// facet that has a choice must ignore that facet's own choice: count it with
// the other facets only (the usual "disjunctive" faceting).
async function facetCounts(state, search) {
  const counts = { ...(search.filters || {}) };
  for (const name of facets) {
    if (state.filters[name].length === 0) continue;
    const wider = await find(state, pagefindFilters(state, name));
    counts[name] = (wider.filters || {})[name] || {};
  }
  return counts;
}

function showBuiltCounts() {
  for (const count of form.querySelectorAll("[data-count]")) count.textContent = builtCounts.get(count) || "";
}

function updateCounts(counts) {
  for (const box of form.querySelectorAll("input[type=checkbox]")) {
    const n = (counts[box.name] || {})[box.value] || 0;
    const label = form.querySelector(`label[for="${CSS.escape(box.id)}"] [data-count]`);
    if (label) label.textContent = `(${n.toLocaleString("id-ID")})`;
  }
}

// --- showing ------------------------------------------------------------------------------

function countText(n) {
  if (n === 0) return `${text.countNone} ${text.noneHint}`;
  if (n === 1) return text.countOne;
  return text.countMany.replace("{n}", n.toLocaleString("id-ID"));
}

function element(tag, className, content) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (content) node.textContent = content;
  return node;
}

function card(result, withWords) {
  const item = element("li", "card");
  const article = element("article");
  const heading = element("h3", "card-title");
  const link = element("a", "", result.meta.title || result.url);
  link.href = result.url;
  heading.append(link);
  const meta = element("p", "card-meta", [result.meta.instansi, result.meta.provinsi].filter(Boolean).join(" · "));
  const excerpt = element("p");
  if (withWords) {
    // Pagefind escapes the page text and adds only <mark> elements.
    excerpt.innerHTML = result.excerpt.replaceAll(text.everyProfile, "");
  } else {
    excerpt.textContent = result.meta.ringkasan || "";
  }
  const tags = element("p", "tags");
  for (const sector of (result.meta.sektor || "").split(" · ").filter(Boolean)) tags.append(element("span", "tag", sector), " ");
  for (const award of (result.meta.penghargaan || "").split(" · ").filter(Boolean)) {
    tags.append(element("span", "tag tag-award", award), " ");
  }
  article.append(heading, meta, excerpt, tags);
  item.append(article);
  return item;
}

async function showPage(state) {
  const count = Math.max(1, Math.ceil(results.length / PAGE_SIZE));
  const page = Math.min(state.page, count);
  const slice = results.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
  const data = await Promise.all(slice.map((r) => r.data()));
  list.replaceChildren(...data.map((result) => card(result, Boolean(state.q))));
  pages.hidden = count < 2;
  previousButton.disabled = page <= 1;
  nextButton.disabled = page >= count;
  pageLabel.textContent = text.pageOf.replace("{n}", page).replace("{count}", count);
}

// No results: offer the searches that would give some (each chosen filter
// removed in turn, or the words dropped), with how many each would give.
async function showWayOut(state) {
  const options = [];
  for (const box of form.querySelectorAll("input[type=checkbox]:checked")) {
    const narrower = stateFromForm();
    narrower.filters[box.name] = narrower.filters[box.name].filter((v) => v !== box.value);
    const n = (await find(narrower, pagefindFilters(narrower))).results.length;
    if (n > 0) {
      options.push([text.remove.replace("{label}", box.dataset.label).replace("{n}", n), () => (box.checked = false)]);
    }
  }
  if (state.q && !isEmpty({ ...state, q: "" })) {
    const n = (await find({ ...state, q: "" }, pagefindFilters(state))).results.length;
    if (n > 0) options.push([text.dropWords.replace("{q}", state.q).replace("{n}", n), () => (input.value = "")]);
  }
  suggestions.replaceChildren(
    ...options.map(([label, apply]) => {
      const item = element("li");
      const button = element("button", "secondary", label);
      button.type = "button";
      button.addEventListener("click", () => {
        apply();
        commit(true);
        input.focus();
      });
      item.append(button);
      return item;
    }),
  );
  suggestions.hidden = options.length === 0;
}

// The results are marked busy from the moment a search starts until the newest one
// has shown them: assistive technology waits for the whole update, and so can a test.
async function run(state) {
  const id = ++runId;
  if (!pagefind) return;
  suggestions.hidden = true;
  if (isEmpty(state)) {
    results = [];
    list.replaceChildren();
    pages.hidden = true;
    statusLine.textContent = text.start;
    showBuiltCounts();
    list.removeAttribute("aria-busy");
    return;
  }
  list.setAttribute("aria-busy", "true");
  // Without the filter index, searches return no facet counts.
  await loadFilters();
  const search = await find(state, pagefindFilters(state));
  const counts = await facetCounts(state, search);
  if (id !== runId) return;
  results = search.results;
  statusLine.textContent = countText(results.length);
  updateCounts(counts);
  await showPage(state);
  if (results.length === 0) await showWayOut(state);
  await nameBoxes();
  if (id === runId) list.removeAttribute("aria-busy");
}

function commit(push, page = 1) {
  const state = stateFromForm(page);
  showChosen(state);
  const address = toQuery(state);
  if (push) window.history.pushState(null, "", address);
  else window.history.replaceState(null, "", address);
  return run(state);
}

async function turnPage(step) {
  const state = stateFromUrl();
  state.page = Math.max(1, state.page + step);
  window.history.pushState(null, "", toQuery(state));
  await showPage(state);
  // Take keyboard and screen-reader users to the start of the new page.
  statusLine.setAttribute("tabindex", "-1");
  statusLine.focus();
}

let typing = null;
input.addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(() => commit(false), 300);
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  commit(true);
});
form.addEventListener("change", (event) => {
  if (event.target.type === "checkbox" || event.target === sortSelect) commit(true);
});
previousButton.addEventListener("click", () => turnPage(-1));
nextButton.addEventListener("click", () => turnPage(1));
window.addEventListener("popstate", () => {
  const state = stateFromUrl();
  showInForm(state);
  run(state);
});

// The filter index loads after the page is ready, while the reader types, so
// neither the first paint nor the first results wait for it.
function loadFilters() {
  filtersLoaded = filtersLoaded || pagefind.filters();
  return filtersLoaded;
}

async function start() {
  const state = stateFromUrl();
  showInForm(state);
  statusLine.textContent = text.loading;
  try {
    pagefind = await import(`${text.bundle}pagefind.js`);
    await pagefind.options({ baseUrl: text.base });
    await pagefind.init();
  } catch (error) {
    statusLine.textContent = "";
    fallback.hidden = false;
    return;
  }
  // Whatever was typed or ticked while the index loaded wins over the address.
  const now = stateFromForm(state.page);
  const running = run(now);
  loadFilters();
  await running;
}

start();
