// Hotline console: the keyboard does everything. Focus starts in the search box; the arrow
// keys move through the results; Enter opens the focused one; "c" copies the spoken answer.
(function () {
  var box = document.getElementById("q");
  var links = Array.prototype.slice.call(document.querySelectorAll("#results a"));
  if (box && !box.value) { box.focus(); }
  else if (links.length) { links[0].focus(); }
  else if (box) { box.focus(); }
  function move(delta) {
    var i = links.indexOf(document.activeElement);
    if (i === -1) { if (links.length) links[delta > 0 ? 0 : links.length - 1].focus(); return; }
    var next = i + delta;
    if (next < 0) { box.focus(); return; }
    if (next < links.length) links[next].focus();
  }
  document.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); move(1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); move(-1); }
    else if (e.key === "/" && document.activeElement !== box) { e.preventDefault(); box.focus(); box.select(); }
  });
  var copy = document.getElementById("copy-spoken");
  if (copy) {
    copy.addEventListener("click", function () {
      var text = document.getElementById("spoken").innerText;
      var done = function () { copy.textContent = copy.getAttribute("data-done"); };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
      } else { fallback(text); done(); }
    });
  }
  function fallback(text) {
    var area = document.createElement("textarea");
    area.value = text; document.body.appendChild(area); area.select();
    try { document.execCommand("copy"); } catch (err) { /* the text stays selectable */ }
    document.body.removeChild(area);
  }
})();
