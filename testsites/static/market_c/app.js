// Nachtmarkt single-page app: the served HTML is an empty shell; listings arrive as JSON and render here.
"use strict";
const app = document.getElementById("app");
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const money = (p) => `${p.amount.toFixed(2)} ${p.currency === "EUR" ? "€" : p.currency}`;

function card(it) {
  return `<article class="nm-card" data-id="${it.id}"><a class="nm-title" href="/item/${it.id}">${esc(it.title)}</a>
    <div class="nm-meta"><span class="nm-price">${money(it.price)}</span> · <a class="nm-vendor" href="/vendor/${encodeURIComponent(it.vendor)}">${esc(it.vendor)}</a>
    · <span class="nm-lang">${esc(it.lang)}</span></div></article>`;
}

async function getJSON(url) {
  const r = await fetch(url, {headers: {"Accept": "application/json"}});
  if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
  return r.json();
}

async function feed() {
  app.innerHTML = `<h1>Angebote · Ofertas · Offres</h1><section id="feed"></section><div id="sentinel">…</div>`;
  const list = document.getElementById("feed");
  const sentinel = document.getElementById("sentinel");
  let cursor = 0, loading = false;
  async function more() {
    if (loading || cursor === null) return;
    loading = true;
    const page = await getJSON(`/api/listings?cursor=${cursor}&limit=24`);
    list.insertAdjacentHTML("beforeend", page.items.map(card).join(""));
    cursor = page.next;
    loading = false;
    if (cursor === null) { sentinel.textContent = "Ende · Fin"; sentinel.classList.add("end"); }
    else if (sentinel.getBoundingClientRect().top < window.innerHeight) more();
  }
  new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) more(); }).observe(sentinel);
  await more();
}

async function item(id) {
  const it = await getJSON(`/api/listing/${id}`);
  app.innerHTML = `<article class="nm-item"><h1 class="nm-title">${esc(it.title)}</h1>
    <p><span class="nm-price">${money(it.price)}</span> · <a class="nm-vendor" href="/vendor/${encodeURIComponent(it.vendor)}">${esc(it.vendor)}</a></p>
    <p class="nm-ship">${esc(it.ships_from)} → ${esc(it.ships_to)}</p>
    <div class="nm-desc">${esc(it.description).replace(/\n/g, "<br>")}</div></article>`;
}

async function vendor(name) {
  const v = await getJSON(`/api/vendor/${encodeURIComponent(name)}`);
  app.innerHTML = `<section class="nm-vendor-page"><h1 class="nm-vendor-name">${esc(v.name)}</h1>
    <ul class="nm-contacts">${v.contacts.map((c) => `<li>${esc(c.type)}: ${esc(c.value)}</li>`).join("")}</ul>
    ${v.pgp ? `<pre class="nm-pgp">${esc(v.pgp)}</pre>` : ""}
    <h2>Angebote</h2>${v.listings.map(card).join("")}</section>`;
}

async function route() {
  const path = decodeURIComponent(location.pathname);
  try {
    if (path.startsWith("/item/")) await item(path.slice(6));
    else if (path.startsWith("/vendor/")) await vendor(path.slice(8));
    else await feed();
  } catch (err) {
    app.innerHTML = `<p class="nm-error">${esc(err.message)}</p>`;
  }
}

// Live ticker: polls forever, so "network idle" never comes (as on many real SPAs).
async function ticker() {
  const el = document.getElementById("ticker");
  if (!el) return;
  try { const t = await getJSON("/api/ticker"); el.textContent = `${t.online} online · BTC ${t.btc}`; } catch (e) { /* keep polling */ }
  setTimeout(ticker, 400);
}

route();
ticker();
