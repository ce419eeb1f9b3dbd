// Search page: Pagefind's JS API on the index the build wrote.
// The page works as a plain form without this script; with it, results appear
// as you type, and the whole state (words and facets) lives in the address so
// it can be shared, bookmarked and restored with Back.
// Every text shown comes from data-* attributes the template fills from the
// strings file, so this script holds no language of its own.

const root = document.getElementById("search");
const form = document.getElementById("search-form");
const input = document.getElementById("q");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");
const moreButton = document.getElementById("search-more");
const fallback = document.getElementById("search-fallback");
const text = root.dataset;
const PAGE_SIZE = 20;
const facets = [...form.querySelectorAll("fieldset[data-facet]")].map((f) => f.dataset.facet);

let pagefind = null;
let current = { results: [], shown: 0 };
let runId = 0;

function stateFromUrl() {
  const params = new URLSearchParams(window.location.search);
  const filters = {};
  for (const name of facets) filters[name] = params.getAll(name);
  return { q: (params.get("q") || "").trim(), filters };
}

function stateFromForm() {
  const data = new FormData(form);
  const filters = {};
  for (const name of facets) filters[name] = data.getAll(name).map(String);
  return { q: String(data.get("q") || "").trim(), filters };
}

function showInForm(state) {
  input.value = state.q;
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
  const query = params.toString();
  return query ? `?${query}` : window.location.pathname;
}

function pagefindFilters(state) {
  const filters = {};
  for (const name of facets) {
    if (state.filters[name].length) filters[name] = { any: state.filters[name] };
  }
  return filters;
}

function isEmpty(state) {
  return !state.q && facets.every((name) => state.filters[name].length === 0);
}

function countText(n) {
  if (n === 0) return `${text.countNone} ${text.noneHint}`;
  if (n === 1) return text.countOne;
  return text.countMany.replace("{n}", n.toLocaleString("id-ID"));
}

function updateCounts(counts) {
  for (const box of form.querySelectorAll("input[type=checkbox]")) {
    const n = (counts[box.name] || {})[box.value] || 0;
    const label = form.querySelector(`label[for="${CSS.escape(box.id)}"] [data-count]`);
    if (label) label.textContent = `(${n.toLocaleString("id-ID")})`;
  }
}

function card(result) {
  const item = document.createElement("li");
  item.className = "card";
  const article = document.createElement("article");
  const heading = document.createElement("h3");
  heading.className = "card-title";
  const link = document.createElement("a");
  link.href = result.url;
  link.textContent = result.meta.title || result.url;
  heading.append(link);
  const meta = document.createElement("p");
  meta.className = "card-meta";
  meta.textContent = [result.meta.instansi, result.meta.provinsi].filter(Boolean).join(" · ");
  const excerpt = document.createElement("p");
  // Pagefind escapes the page text and adds only <mark> elements.
  excerpt.innerHTML = result.excerpt;
  article.append(heading, meta, excerpt);
  item.append(article);
  return item;
}

async function showMore() {
  const next = current.results.slice(current.shown, current.shown + PAGE_SIZE);
  const data = await Promise.all(next.map((r) => r.data()));
  for (const result of data) list.append(card(result));
  current.shown += next.length;
  moreButton.hidden = current.shown >= current.results.length;
}

function searchOptions(filters) {
  // An empty `filters` object makes Pagefind skip the facet counts: pass it only when set.
  return Object.keys(filters).length ? { filters } : {};
}

// Values of one facet combine with OR, so the count beside each value of a
// facet that has a choice must ignore that facet's own choice: count it with
// the other facets only (the usual "disjunctive" faceting).
async function facetCounts(state, search) {
  const counts = { ...(search.filters || {}) };
  for (const name of facets) {
    if (state.filters[name].length === 0) continue;
    const others = pagefindFilters(state);
    delete others[name];
    const wider = await pagefind.search(state.q || null, searchOptions(others));
    counts[name] = (wider.filters || {})[name] || {};
  }
  return counts;
}

async function run(state) {
  const id = ++runId;
  if (!pagefind) return;
  if (isEmpty(state)) {
    list.replaceChildren();
    moreButton.hidden = true;
    statusLine.textContent = text.start;
    updateCounts(await pagefind.filters());
    return;
  }
  const search = await pagefind.search(state.q || null, searchOptions(pagefindFilters(state)));
  const counts = await facetCounts(state, search);
  if (id !== runId) return;
  list.replaceChildren();
  current = { results: search.results, shown: 0 };
  statusLine.textContent = countText(search.results.length);
  updateCounts(counts);
  await showMore();
}

function commit(push) {
  const state = stateFromForm();
  showChosen(state);
  const address = toQuery(state);
  if (push) window.history.pushState(null, "", address);
  else window.history.replaceState(null, "", address);
  run(state);
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
  if (event.target.type === "checkbox") commit(true);
});
moreButton.addEventListener("click", showMore);
window.addEventListener("popstate", () => {
  const state = stateFromUrl();
  showInForm(state);
  run(state);
});

async function start() {
  const state = stateFromUrl();
  showInForm(state);
  statusLine.textContent = text.loading;
  try {
    pagefind = await import(`${text.bundle}pagefind.js`);
    await pagefind.options({ baseUrl: text.base });
    await pagefind.init();
    // Loads the filter index; without it, searches return no facet counts.
    await pagefind.filters();
  } catch (error) {
    statusLine.textContent = "";
    fallback.hidden = false;
    return;
  }
  // Whatever was typed or ticked while the index loaded wins over the address.
  await run(stateFromForm());
}

start();
