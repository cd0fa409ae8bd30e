// Saves the report form as the person types, so that nothing is lost if the
// tab closes or the connection drops; the first save makes a private link,
// which replaces the page's address so that coming back finds the draft.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form || !window.fetch) { return; }
  var status = document.getElementById("save-status");
  var timer = null;
  var saving = false;
  var again = false;
  function save() {
    if (saving) { again = true; return; }
    saving = true;
    var body = new URLSearchParams(new FormData(form));
    body.delete("action");
    fetch("/report/autosave", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
      credentials: "same-origin"
    }).then(function (r) { return r.ok ? r.json() : null; }).then(function (j) {
      if (j && j.token) {
        form.querySelector("input[name=token]").value = j.token;
        form.setAttribute("action", j.action);
        if (window.location.pathname !== j.action) { window.history.replaceState(null, "", j.action); }
        if (status) { status.textContent = j.saved; status.setAttribute("data-saved", "1"); }
      }
    }).catch(function () {}).then(function () {
      saving = false;
      if (again) { again = false; schedule(); }
    });
  }
  function schedule() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(save, 700);
  }
  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
