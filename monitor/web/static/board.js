// The board's behaviour: the map, the route box (asks /api/route) and the refresh (fetches
// this page again and swaps its live sections). Data is only ever set with textContent.
"use strict";

(function () {
  const SEVERITY = {critical: 0, warning: 1, advisory: 2, info: 3};

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function notFullPicture(names) {
    return "Not a full picture: " + names.join(", ") +
      " failing, stale or never read; their hazards are missing here.";
  }

  // -- the route box -----------------------------------------------------------------------
  function showRoute(answer, route, rows, caveat, error) {
    answer.replaceChildren();
    if (error) {
      answer.append(el("p", "error", error));
      return;
    }
    if (!rows.length) {
      answer.append(el("p", "empty", "No active hazard known to affect " + route + "."));
    } else {
      const list = el("ul", "rows");
      rows.sort(function (a, b) { return SEVERITY[a.severity] - SEVERITY[b.severity]; });
      rows.forEach(function (r) {
        const item = el("li", "route-hit");
        item.dataset.key = r.key;
        item.append(el("span", "badge sev-" + r.severity, r.severity.toUpperCase()), " ",
                    el("span", "key", r.key), " " + r.title,
                    el("div", "why", r.reasons.join("; ")));
        list.append(item);
      });
      answer.append(list);
    }
    if (caveat) answer.append(el("p", "caveat", notFullPicture(caveat.split(", "))));
  }

  function askRoute(event) {
    event.preventDefault();
    const input = document.getElementById("route-input");
    const answer = document.getElementById("route-answer");
    const route = input.value.trim().toUpperCase();
    if (!route) return;
    answer.replaceChildren(el("p", "empty", "Checking " + route + "…"));
    fetch("/api/route?route=" + encodeURIComponent(route), {credentials: "same-origin"})
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            showRoute(answer, route, [], null, body.error || ("HTTP " + response.status));
          } else {
            showRoute(answer, route, body, response.headers.get("x-not-full-picture"), null);
          }
          answer.dataset.route = route;
        });
      })
      .catch(function (err) { showRoute(answer, route, [], null, "cannot reach the board: " + err); });
  }

  // -- the refresh -------------------------------------------------------------------------
  function refresh() {
    fetch(window.location.href, {credentials: "same-origin", cache: "no-store"})
      .then(function (r) { if (!r.ok) throw new Error("HTTP " + r.status); return r.text(); })
      .then(function (html) {
        // The server escaped every upstream string; parsing its page here runs nothing.
        const fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live]").forEach(function (node) {
          const twin = fresh.getElementById(node.id);
          if (twin) node.replaceWith(document.importNode(twin, true));
        });
        const mapData = fresh.getElementById("map");
        if (mapData && window.BoardMap) window.BoardMap.draw(JSON.parse(mapData.dataset.map));
        stamp("refreshed " + new Date().toISOString().slice(11, 19) + "Z");
      })
      .catch(function (err) { stamp("refresh failed: " + err.message); });
  }

  function stamp(text) {
    const node = document.getElementById("refreshed");
    if (node) node.textContent = "· " + text;
  }

  document.addEventListener("DOMContentLoaded", function () {
    const mapNode = document.getElementById("map");
    if (mapNode && window.L) window.BoardMap.start(mapNode);
    const form = document.getElementById("route-form");
    if (form) form.addEventListener("submit", askRoute);
    const every = Number(document.body.dataset.refresh || "60");
    if (every > 0) window.setInterval(refresh, every * 1000);
    window.addEventListener("board:refresh", refresh);  // "refresh now", for a keyboard or a test
  });
})();
