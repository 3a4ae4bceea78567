// Offline search over window.fediportIndex, which index.js defines:
// one array per post: [page, anchor, unix time, visibility, has media,
// is boost, text, hashtags]. Results are built with DOM calls and
// textContent only: no archive text is ever parsed as HTML.
(function () {
  "use strict";
  var index = window.fediportIndex || [];
  var maxShown = 100;
  var form = document.getElementById("search");
  var count = document.getElementById("count");
  var results = document.getElementById("results");
  var fields = ["q", "tag", "from", "to", "vis", "media", "boosts"];
  var lower = index.map(function (e) { return (e[6] || "").toLowerCase(); });
  var labels = { public: "Public", unlisted: "Unlisted", private: "Followers only", direct: "Direct" };

  function el(id) { return document.getElementById(id); }

  function fromURL() {
    var params = new URLSearchParams(window.location.search);
    fields.forEach(function (f) {
      var v = params.get(f);
      if (v === null) { return; }
      var input = el(f);
      if (input.type === "checkbox") { input.checked = v !== "" && v !== "0"; } else { input.value = v; }
    });
  }

  // utcText gives d in the pages' format, "2 Mar 2023, 10:01 UTC";
  // time.js then shows it in local time.
  function utcText(d) {
    var m = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.getUTCMonth()];
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    return d.getUTCDate() + " " + m + " " + d.getUTCFullYear() + ", " + two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + " UTC";
  }

  function dayStart(s) { var t = Date.parse(s + "T00:00:00Z"); return isNaN(t) ? null : t / 1000; }

  function run() {
    var words = el("q").value.toLowerCase().split(/\s+/).filter(Boolean);
    var tag = el("tag").value.trim().replace(/^#/, "").toLowerCase();
    var from = dayStart(el("from").value);
    var to = dayStart(el("to").value);
    if (to !== null) { to += 86400; }
    var vis = el("vis").value;
    var media = el("media").checked;
    var boosts = el("boosts").checked;
    var hits = [];
    for (var i = index.length - 1; i >= 0; i--) { // newest first
      var e = index[i];
      if (e[5] && !boosts) { continue; }
      if (media && !e[4]) { continue; }
      if (vis && e[3] !== vis) { continue; }
      if (from !== null && e[2] < from) { continue; }
      if (to !== null && e[2] >= to) { continue; }
      if (tag && !(e[7] || []).some(function (t) { return t.toLowerCase() === tag; })) { continue; }
      var text = lower[i], ok = true;
      for (var w = 0; w < words.length; w++) {
        if (text.indexOf(words[w]) < 0) { ok = false; break; }
      }
      if (ok) { hits.push(e); }
    }
    show(hits);
  }

  function show(hits) {
    results.textContent = "";
    var n = Math.min(hits.length, maxShown);
    for (var i = 0; i < n; i++) {
      var e = hits[i];
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "page-" + e[0] + ".html#" + e[1];
      var time = document.createElement("time");
      var d = new Date(e[2] * 1000);
      time.dateTime = d.toISOString();
      time.textContent = utcText(d);
      a.appendChild(time);
      var when = document.createElement("span");
      when.className = "when";
      when.textContent = " · " + (labels[e[3]] || e[3]) + (e[5] ? " · boost" : "") + (e[4] ? " · media" : "");
      var p = document.createElement("p");
      var text = e[6] || "";
      p.textContent = text.length > 280 ? text.slice(0, 280) + "…" : text;
      li.appendChild(a);
      li.appendChild(when);
      li.appendChild(p);
      results.appendChild(li);
    }
    if (window.fediportTime) { window.fediportTime.localise(results); }
    count.dataset.n = String(hits.length);
    count.textContent = hits.length + (hits.length === 1 ? " post matches" : " posts match") +
      (hits.length > maxShown ? "; the newest " + maxShown + " are shown, narrow the search to see others." : ".");
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    var params = new URLSearchParams();
    fields.forEach(function (f) {
      var input = el(f);
      var v = input.type === "checkbox" ? (input.checked ? "1" : "") : input.value;
      if (v) { params.set(f, v); }
    });
    try { history.replaceState(null, "", "?" + params.toString()); } catch (e) { /* file: URLs may refuse */ }
    run();
  });
  form.addEventListener("input", run);
  form.addEventListener("change", run);
  fromURL();
  run();
})();
