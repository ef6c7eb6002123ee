// The wizard page: questions that do not apply to the answers so far are hidden (their
// conditions come from the cycle document, as data-ask-if), a print button, and focus on
// the result so screen readers announce it. Without the script every question shows and
// the server ignores the ones that do not apply.
(function () {
  "use strict";
  var form = document.getElementById("wizard-form");
  function value(name) {
    var checked = form.querySelector("input[name='" + name + "']:checked");
    if (checked) return checked.value === "yes" ? true : checked.value === "no" ? false : checked.value;
    var field = form.querySelector("input[name='" + name + "'][type=date]");
    return field && field.value ? field.value : undefined;
  }
  function holds(cond) {
    if (cond.all) return cond.all.every(holds);
    if (cond.any) return cond.any.some(holds);
    if (cond.not) return !holds(cond.not);
    var v = value(cond.answer);
    if (v === undefined) return false;
    if ("is" in cond) return v === cond.is;
    if ("in" in cond) return cond.in.indexOf(v) >= 0;
    if ("on_or_before" in cond) return v <= cond.on_or_before;
    return v > cond.after;
  }
  function refresh() {
    var blocks = form.querySelectorAll("[data-ask-if]");
    for (var i = 0; i < blocks.length; i++) {
      var shown = holds(JSON.parse(blocks[i].getAttribute("data-ask-if")));
      blocks[i].hidden = !shown;
      blocks[i].style.display = shown ? "" : "none";  // .field sets display, over [hidden]
      var inputs = blocks[i].querySelectorAll("input");
      for (var j = 0; j < inputs.length; j++) inputs[j].disabled = !shown;
    }
  }
  if (form) { form.addEventListener("change", refresh); refresh(); }
  var button = document.getElementById("print");
  if (button) button.addEventListener("click", function () { window.print(); });
  var result = document.getElementById("result");
  if (result) { result.focus(); }
})();
