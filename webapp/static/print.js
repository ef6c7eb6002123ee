// The print page's button (a script file, not an inline handler, for the CSP).
(function () {
  "use strict";
  var button = document.getElementById("print-now");
  if (button) button.addEventListener("click", function () { window.print(); });
})();
