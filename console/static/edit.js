// The editing form: as the editor types, count each text's characters at once, and, a
// moment after they stop, post the unsaved form to the page's check address, which
// answers with each field's error or warning (in the editor's language), the draft's
// problems and the preview rendered from the draft with the form in it. Without script
// the form still saves and the server says the same next to each field.
(function () {
  var form = document.getElementById("edit");
  if (!form || !window.fetch) { return; }
  var timer = null, seq = 0, focus = "";
  function field(el) { return el.closest(".field"); }
  function count(el) {
    var f = field(el), c = f && f.querySelector("[data-count]");
    if (c) { c.textContent = el.value.length; } // UTF-16 code units, as Telegram counts
  }
  function show(el, check) {
    var msg = document.getElementById(el.id + "-msg");
    if (!msg) { return; }
    var text = (check && (check.error || check.warning)) || "";
    if (msg.textContent !== text) { msg.textContent = text; }
    msg.className = "msg" + (check && check.error ? " error" : (check && check.warning ? " warning" : ""));
    if (check && check.error) { el.setAttribute("aria-invalid", "true"); } else { el.removeAttribute("aria-invalid"); }
  }
  function check() {
    var mine = ++seq;
    var body = new URLSearchParams(new FormData(form));
    if (focus) { body.set("focus", focus); }
    fetch(form.dataset.check, { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (res) {
        if (!res || mine !== seq) { return; } // a later check is on its way
        Array.prototype.forEach.call(form.elements, function (el) {
          if (el.name && el.id && res.fields[el.name] !== undefined) { show(el, res.fields[el.name]); }
        });
        var problems = document.getElementById("problems");
        problems.textContent = "";
        if (res.problems.length) {
          var ul = document.createElement("ul");
          res.problems.forEach(function (p) {
            var li = document.createElement("li"), code = document.createElement("code");
            code.textContent = p; li.appendChild(code); ul.appendChild(li);
          });
          problems.appendChild(ul);
        }
        document.getElementById("preview").innerHTML = res.preview; // rendered and escaped by the server
      })
      .catch(function () {});
  }
  form.addEventListener("input", function (e) {
    count(e.target);
    var fs = e.target.closest("fieldset");
    if (fs) { focus = String(Array.prototype.indexOf.call(form.querySelectorAll("fieldset"), fs)); }
    clearTimeout(timer);
    timer = setTimeout(check, 300);
  });
})();
