/* The download site's script. Every page works without it; it adds the kommun search: results
   as you type, and Enter (or the button) opens the best match; without the script the search
   opens the list of all kommuner. The search follows samverkan's rule for names (samverkan/rules/names.py, also used by
   `samverkan routines KOMMUN`); the tests check in a browser that both give the same answers. */
(function () {
  "use strict";

  // --- names: the rule of rules/names.py ---------------------------------------------------

  // name_key: lower case, without diacritics, letters and digits only.
  function nameKey(text) {
    return String(text).toLowerCase().replace(/\u00df/g, "ss").normalize("NFKD").replace(/[^a-z0-9]/g, "");
  }

  // difflib.SequenceMatcher(None, a, b).ratio(), as Python computes it.
  function ratio(a, b) {
    var b2j = Object.create(null);
    var n = b.length;
    for (var j = 0; j < n; j++) {
      (b2j[b[j]] = b2j[b[j]] || []).push(j);
    }
    if (n >= 200) {               // difflib's autojunk: drop very popular elements
      var ntest = Math.floor(n / 100) + 1;
      Object.keys(b2j).forEach(function (ch) {
        if (b2j[ch].length > ntest) delete b2j[ch];
      });
    }
    function longest(alo, ahi, blo, bhi) {
      var besti = alo, bestj = blo, bestsize = 0;
      var j2len = Object.create(null);
      for (var i = alo; i < ahi; i++) {
        var next = Object.create(null);
        var js = b2j[a[i]] || [];
        for (var k = 0; k < js.length; k++) {
          var jj = js[k];
          if (jj < blo) continue;
          if (jj >= bhi) break;
          var size = (j2len[jj - 1] || 0) + 1;
          next[jj] = size;
          if (size > bestsize) {
            besti = i - size + 1;
            bestj = jj - size + 1;
            bestsize = size;
          }
        }
        j2len = next;
      }
      while (besti > alo && bestj > blo && a[besti - 1] === b[bestj - 1]) {
        besti--; bestj--; bestsize++;
      }
      while (besti + bestsize < ahi && bestj + bestsize < bhi && a[besti + bestsize] === b[bestj + bestsize]) {
        bestsize++;
      }
      return [besti, bestj, bestsize];
    }
    var matches = 0;
    var queue = [[0, a.length, 0, n]];
    while (queue.length) {
      var q = queue.pop();
      var m = longest(q[0], q[1], q[2], q[3]);
      var i0 = m[0], j0 = m[1], size0 = m[2];
      if (size0) {
        matches += size0;
        if (q[0] < i0 && q[2] < j0) queue.push([q[0], i0, q[2], j0]);
        if (i0 + size0 < q[1] && j0 + size0 < q[3]) queue.push([i0 + size0, q[1], j0 + size0, q[3]]);
      }
    }
    var length = a.length + n;
    return length ? 2.0 * matches / length : 1.0;
  }

  // difflib.get_close_matches(key, candidates, n, cutoff): best first, ties by the later key.
  function closestKeys(key, candidates, n, cutoff) {
    var scored = [];
    candidates.forEach(function (candidate) {
      var score = ratio(candidate, key);
      if (score >= cutoff) scored.push([score, candidate]);
    });
    scored.sort(function (x, y) {
      if (x[0] !== y[0]) return y[0] - x[0];
      return x[1] < y[1] ? 1 : x[1] > y[1] ? -1 : 0;
    });
    return scored.slice(0, n).map(function (s) { return s[1]; });
  }

  // rules/names.search: exact key, else key prefix, else closest names.
  function search(index, query) {
    var key = nameKey(query);
    var entries = index.entries;
    if (!key) return { how: "none", entries: [] };
    var exact = entries.filter(function (e) { return e.keys.indexOf(key) >= 0; });
    if (exact.length) return { how: "exact", entries: exact };
    var prefix = entries.filter(function (e) {
      return e.keys.some(function (k) { return k.indexOf(key) === 0; });
    });
    if (prefix.length) return { how: "prefix", entries: prefix };
    var near = [];
    entries.forEach(function (e) {
      e.near.forEach(function (k) { if (near.indexOf(k) < 0) near.push(k); });
    });
    var found = [];
    closestKeys(key, near, index.closest, index.cutoff).forEach(function (k) {
      entries.forEach(function (e) {
        if (e.near.indexOf(k) >= 0 && found.indexOf(e) < 0) found.push(e);
      });
    });
    return found.length ? { how: "closest", entries: found } : { how: "none", entries: [] };
  }

  window.samverkan = { nameKey: nameKey, ratio: ratio, search: search };

  // --- the kommun search ---------------------------------------------------------------------

  function setUpSearch(form) {
    var data = form.querySelector("script[data-index]");
    var input = form.querySelector("input[type=search]");
    var out = form.querySelector("[data-results]");
    if (!data || !input || !out) return;
    var index = JSON.parse(data.textContent);
    var root = form.getAttribute("data-root") || "";
    var found = { how: "none", entries: [] };

    function show() {
      found = search(index, input.value);
      out.textContent = "";
      if (!nameKey(input.value)) return;
      var heading = document.createElement("p");
      if (found.how === "none") {
        heading.textContent = out.getAttribute("data-label-none");
        out.appendChild(heading);
        return;
      }
      heading.textContent = found.how === "closest" ? out.getAttribute("data-label-closest") + ":"
        : out.getAttribute("data-label-results") + ":";
      out.appendChild(heading);
      var list = document.createElement("ul");
      found.entries.slice(0, 12).forEach(function (entry) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = root + entry.href;
        link.textContent = entry.label;
        item.appendChild(link);
        list.appendChild(item);
      });
      out.appendChild(list);
    }

    input.addEventListener("input", show);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      show();
      if (found.entries.length) window.location.href = root + found.entries[0].href;
    });
    var asked = new URLSearchParams(window.location.search).get("q");
    if (asked) {
      input.value = asked;
      show();
    }
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("form[data-search]"), setUpSearch);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
