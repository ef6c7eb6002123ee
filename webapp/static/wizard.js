// The wizard page: a print button, and focus on the result so screen readers announce it.
(function () {
  "use strict";
  var button = document.getElementById("print");
  if (button) button.addEventListener("click", function () { window.print(); });
  var result = document.getElementById("result");
  if (result) { result.focus(); }
})();
