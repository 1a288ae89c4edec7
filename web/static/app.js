// firstask pages: small enhancements only; every page works without this.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Ask before actions marked data-confirm.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
  document.querySelectorAll("[data-confirm-click]").forEach(function (b) {
    b.addEventListener("click", function (e) {
      if (!window.confirm(b.getAttribute("data-confirm-click"))) { e.preventDefault(); }
    });
  });
  // Print buttons.
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
  });
  // Uploads: send with XMLHttpRequest to show progress, then show the
  // answer (the next page, or the same page with the problems table).
  document.querySelectorAll("form[data-upload]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.FormData || !window.XMLHttpRequest) { return; }
      e.preventDefault();
      var bar = f.querySelector("[data-progress]"), txt = f.querySelector("[data-progress-text]");
      var btn = f.querySelector("button[type=submit]");
      if (btn) { btn.disabled = true; }
      if (bar) { bar.hidden = false; bar.value = 0; }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", f.action);
      xhr.upload.addEventListener("progress", function (ev) {
        if (!ev.lengthComputable) { return; }
        var pct = Math.round(ev.loaded * 100 / ev.total);
        if (bar) { bar.value = pct; }
        if (txt) { txt.textContent = pct + "%"; }
      });
      xhr.addEventListener("load", function () {
        if (xhr.responseURL && xhr.responseURL !== window.location.href) {
          window.history.pushState(null, "", xhr.responseURL);
        }
        document.open(); document.write(xhr.responseText); document.close();
        // Keep showing that the file went up completely on the answer page.
        var done = document.querySelector("[data-progress]"), doneTxt = document.querySelector("[data-progress-text]");
        if (done) { done.hidden = false; done.value = 100; }
        if (doneTxt) { doneTxt.textContent = "100%"; }
      });
      xhr.addEventListener("error", function () { f.submit(); });
      xhr.send(new FormData(f));
    });
  });
  // Registration: read-back required for complaints and help; guidance
  // for guided/out of scope; the referral picker loads people by department.
  var form = document.getElementById("register");
  if (!form) { return; }
  var cat = form.querySelector("#category"), rb = form.querySelector("#read_back_confirmed");
  var disp = form.querySelector("#disposition"), guid = form.querySelector("#guidance-box");
  var refBox = form.querySelector("#referral-box");
  function sync() {
    var needRB = cat.value === "complaint" || cat.value === "help";
    rb.required = needRB;
    form.querySelector("#rb-required").hidden = !needRB;
    guid.hidden = !(disp.value === "guided" || disp.value === "out_of_scope");
    refBox.hidden = disp.value !== "referred";
  }
  cat.addEventListener("change", sync); disp.addEventListener("change", sync); sync();
  var dept = form.querySelector("#to_department_id"), person = form.querySelector("#to_staff_id");
  var pickBtn = form.querySelector("#pick-department");
  if (pickBtn) { pickBtn.hidden = true; }
  dept.addEventListener("change", function () {
    person.innerHTML = "";
    var any = document.createElement("option");
    any.value = ""; any.textContent = person.getAttribute("data-any");
    person.appendChild(any);
    if (!dept.value) { return; }
    fetch("/referral-targets?department_id=" + encodeURIComponent(dept.value), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (d) {
        d.items.forEach(function (p) {
          var o = document.createElement("option");
          o.value = String(p.id); o.textContent = p.name;
          person.appendChild(o);
        });
      });
  });
});
