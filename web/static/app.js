// firstask pages: small enhancements only; every page works without this.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  // Ask before actions marked data-confirm.
  document.querySelectorAll("form[data-confirm]").forEach(function (f) {
    f.addEventListener("submit", function (e) {
      if (!window.confirm(f.getAttribute("data-confirm"))) { e.preventDefault(); }
    });
  });
  // Print buttons.
  document.querySelectorAll("[data-print]").forEach(function (b) {
    b.hidden = false;
    b.addEventListener("click", function () { window.print(); });
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
