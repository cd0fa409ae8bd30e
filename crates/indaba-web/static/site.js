// Indaba's only script. Every page works without it; with it:
// - times (<time datetime data-local>) are shown in the reader's own time
//   zone, in the page's language;
// - the progress page updates itself in place, and its polite live region
//   announces only what changed (a part done, the test finished), never
//   the whole page.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "en";

  function localTimes() {
    var format;
    try {
      // Fields one by one: dateStyle and timeStyle cannot be combined
      // with timeZoneName, and the zone must be said.
      format = new Intl.DateTimeFormat(lang, {
        year: "numeric",
        month: "long",
        day: "numeric",
        hour: "numeric",
        minute: "2-digit",
        timeZoneName: "short",
      });
    } catch (e) {
      return;
    }
    var times = document.querySelectorAll("time[data-local]");
    for (var i = 0; i < times.length; i++) {
      var t = times[i];
      var when = new Date(t.getAttribute("datetime"));
      if (isNaN(when.getTime())) continue;
      t.setAttribute("title", t.textContent);
      t.textContent = format.format(when);
    }
  }

  function progress() {
    var root = document.getElementById("progress");
    if (!root) return;
    var url = root.getAttribute("data-poll");
    var live = document.getElementById("progress-live");
    var stateLine = document.getElementById("progress-state");
    var failures = 0;

    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, cache: "no-store" })
        .then(function (r) {
          if (!r.ok) throw new Error(String(r.status));
          return r.json();
        })
        .then(function (data) {
          failures = 0;
          var news = [];
          (data.parts || []).forEach(function (p) {
            var item = document.getElementById("part-" + p.part);
            if (!item) return;
            var state = item.querySelector(".part-state");
            if (state.textContent === p.state) return;
            state.textContent = p.state;
            var wasDone = item.classList.contains("done");
            item.classList.toggle("done", !!p.done);
            if (p.done && !wasDone) news.push(p.label + ": " + p.state);
          });
          if (stateLine.textContent !== data.state) {
            stateLine.textContent = data.state;
            news.push(data.state);
          }
          if (news.length) live.textContent = news.join(". ");
          if (data.next) {
            window.setTimeout(function () {
              window.location.assign(data.next);
            }, 600);
            return;
          }
          window.setTimeout(tick, 1000);
        })
        .catch(function () {
          failures += 1;
          // The plain page still works: reload it after a few failures.
          if (failures > 5) window.location.reload();
          else window.setTimeout(tick, 2000);
        });
    }
    window.setTimeout(tick, 1000);
  }

  function start() {
    localTimes();
    progress();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
