// The map page: search with suggestions, recent searches (this browser only), map taps,
// a draggable pin and 定位. The server renders every answer (GET /answer), so the page
// shows exactly what the no-JavaScript form shows.
(function () {
  "use strict";
  var strings = JSON.parse(document.getElementById("strings").textContent);
  var form = document.getElementById("search-form");
  var input = document.getElementById("address");
  var list = document.getElementById("suggestions");
  var slot = document.getElementById("answer-slot");
  var recentBox = document.getElementById("recent");
  var locateButton = document.getElementById("locate");
  var locateMessage = document.getElementById("locate-message");
  var map = null;        // the Leaflet map, once static/map.js has drawn it
  var mapApi = null;
  var lookupCrs = "wgs84";
  var RECENT_KEY = "xuequ.recent";
  var RECENT_MAX = 5;
  var pin = null;
  var suggestEnabled = true;
  var suggestTimer = null;
  var suggestSeq = 0;
  var activeIndex = -1;
  var options = [];

  // ---- answers ----------------------------------------------------------------------
  function show(html, focus) {
    slot.innerHTML = html;
    var answer = document.getElementById("answer");
    if (!answer) return;
    if (answer.dataset.shareUrl && window.history && history.replaceState) {
      // The address bar holds the answer's own link, to share or come back to.
      history.replaceState(null, "", answer.dataset.shareUrl);
    }
    markAnswer();
    if (focus) answer.focus({ preventScroll: true });
    if (focus && window.matchMedia("(max-width: 899px)").matches) {
      answer.scrollIntoView({ behavior: "smooth", block: "start" });
    }
  }

  function fetchAnswer(params, focus) {
    slot.setAttribute("aria-busy", "true");
    locateMessage.textContent = strings.loading;
    var query = new URLSearchParams(params).toString();
    return fetch("/answer?" + query, { headers: { "Accept": "text/html" } })
      .then(function (r) { return r.text(); })
      .then(function (html) { locateMessage.textContent = ""; show(html, focus); })
      .catch(function () { locateMessage.textContent = strings.failed; })
      .finally(function () { slot.removeAttribute("aria-busy"); });
  }

  function searchAddress(text) {
    text = text.trim();
    if (!text) return;
    remember(text);
    closeSuggestions();
    fetchAnswer({ address: text }, true);
  }

  function lookupPoint(lat, lng, crs) {
    fetchAnswer({ lat: lat.toFixed(6), lng: lng.toFixed(6), crs: crs || lookupCrs }, true);
  }

  // ---- map --------------------------------------------------------------------------
  function placePin(lat, lng) {
    if (!map) return;
    if (!pin) {
      pin = L.marker([lat, lng], { draggable: true, keyboard: true, title: strings.pin,
                                    alt: strings.pin, autoPan: true }).addTo(map);
      pin.on("dragend", function () {
        var p = pin.getLatLng();
        lookupPoint(p.lat, p.lng);
      });
    } else {
      pin.setLatLng([lat, lng]);
    }
    map.setView([lat, lng], Math.max(map.getZoom(), 14));
  }

  /** Mark the shown answer on the map: the pin, its zones and its schools. */
  function markAnswer() {
    var answer = document.getElementById("answer");
    if (!answer || !mapApi) return;
    if (answer.dataset.lat) placePin(+answer.dataset.lat, +answer.dataset.lng);
    mapApi.mark((answer.dataset.zones || "").split(" "), (answer.dataset.schools || "").split(" "));
  }

  if (window.XuequMap) {
    window.XuequMap.ready(function (api) {
      mapApi = api;
      map = api.map;
      lookupCrs = api.lookupCrs;
      api.onTap(function (latlng) { lookupPoint(latlng.lat, latlng.lng); });
      api.onLocate(locate);
      markAnswer();
    });
  }

  // ---- 分享: the Web Share API where the browser has it, else copy the link ------------
  slot.addEventListener("click", function (e) {
    var button = e.target.closest("#share");
    if (!button) return;
    var message = document.getElementById("share-message");
    var url = button.dataset.url;
    if (navigator.share) {
      navigator.share({ title: document.title, text: button.dataset.title, url: url })
        .catch(function () { /* the parent closed the share sheet */ });
      return;
    }
    var done = function () { if (message) message.textContent = strings.copied; };
    var failed = function () { if (message) message.textContent = strings.copy_failed; };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(url).then(done, failed);
    } else {
      failed();
    }
  });

  // ---- 定位 -------------------------------------------------------------------------
  locateButton.addEventListener("click", locate);
  function locate() {
    if (!navigator.geolocation) { locateMessage.textContent = strings.unsupported; return; }
    locateMessage.textContent = strings.locating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      // The browser reports WGS84 whatever the tiles are.
      lookupPoint(pos.coords.latitude, pos.coords.longitude, "wgs84");
    }, function (err) {
      locateMessage.textContent = err.code === 1 ? strings.denied
        : err.code === 3 ? strings.timeout : strings.unavailable;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  }

  // ---- recent searches: kept in localStorage only, never sent anywhere ---------------
  function recent() {
    try { return JSON.parse(localStorage.getItem(RECENT_KEY)) || []; } catch (e) { return []; }
  }

  function remember(text) {
    var items = recent().filter(function (t) { return t !== text; });
    items.unshift(text);
    try { localStorage.setItem(RECENT_KEY, JSON.stringify(items.slice(0, RECENT_MAX))); }
    catch (e) { /* private mode: nothing to keep */ }
    renderRecent();
  }

  function renderRecent() {
    var items = recent();
    recentBox.textContent = "";
    recentBox.hidden = items.length === 0;
    if (!items.length) return;
    var title = document.createElement("h2");
    title.className = "recent-title";
    title.textContent = strings.recent;
    recentBox.appendChild(title);
    var ul = document.createElement("ul");
    items.forEach(function (text) {
      var li = document.createElement("li");
      var b = document.createElement("button");
      b.type = "button";
      b.className = "chip";
      b.textContent = text;
      b.addEventListener("click", function () { input.value = text; searchAddress(text); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    recentBox.appendChild(ul);
    var clear = document.createElement("button");
    clear.type = "button";
    clear.className = "link-button";
    clear.textContent = strings.clear;
    clear.addEventListener("click", function () {
      try { localStorage.removeItem(RECENT_KEY); } catch (e) { /* nothing kept */ }
      renderRecent();
    });
    recentBox.appendChild(clear);
  }

  // ---- suggestions (GET /api/v1/addresses/suggest?q=); absent endpoint = none --------
  function closeSuggestions() {
    list.hidden = true;
    list.textContent = "";
    options = [];
    activeIndex = -1;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
  }

  function renderSuggestions(items) {
    closeSuggestions();
    if (!items.length) return;
    items.forEach(function (item, i) {
      var li = document.createElement("li");
      li.id = "suggestion-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      var main = document.createElement("span");
      main.textContent = item.address;
      li.appendChild(main);
      var extra = [item.xiaoqu, item.community].filter(Boolean).join(" · ");
      if (extra) {
        var small = document.createElement("small");
        small.textContent = extra;
        li.appendChild(small);
      }
      li.addEventListener("mousedown", function (e) { e.preventDefault(); });
      li.addEventListener("click", function () { pick(i); });
      list.appendChild(li);
      options.push(item);
    });
    list.hidden = false;
    input.setAttribute("aria-expanded", "true");
  }

  function pick(i) {
    var item = options[i];
    if (!item) return;
    input.value = item.address;
    searchAddress(item.address);
  }

  function setActive(i) {
    var nodes = list.querySelectorAll("[role=option]");
    if (!nodes.length) return;
    activeIndex = (i + nodes.length) % nodes.length;
    nodes.forEach(function (n, k) { n.setAttribute("aria-selected", k === activeIndex ? "true" : "false"); });
    input.setAttribute("aria-activedescendant", nodes[activeIndex].id);
  }

  function suggest() {
    var q = input.value.trim();
    if (!suggestEnabled || q.length < 2) { closeSuggestions(); return; }
    var seq = ++suggestSeq;
    fetch("/api/v1/addresses/suggest?q=" + encodeURIComponent(q))
      .then(function (r) {
        if (r.status === 404 || r.status === 405) { suggestEnabled = false; return null; }
        return r.ok ? r.json() : null;
      })
      .then(function (data) {
        if (seq !== suggestSeq) return;  // a newer keystroke has its own request
        var items = data && (data.suggestions || data.results || []);
        renderSuggestions(items || []);
      })
      .catch(function () { closeSuggestions(); });
  }

  input.addEventListener("input", function () {
    clearTimeout(suggestTimer);
    suggestTimer = setTimeout(suggest, 150);
  });
  input.addEventListener("keydown", function (e) {
    if (list.hidden) return;
    if (e.key === "ArrowDown") { e.preventDefault(); setActive(activeIndex + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); setActive(activeIndex - 1); }
    else if (e.key === "Escape") { closeSuggestions(); }
    else if (e.key === "Enter" && activeIndex >= 0) { e.preventDefault(); pick(activeIndex); }
  });
  input.addEventListener("blur", function () { setTimeout(closeSuggestions, 100); });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    searchAddress(input.value);
  });

  // Candidate links in an ambiguous answer search for that address in place.
  slot.addEventListener("click", function (e) {
    var link = e.target.closest("a[data-address]");
    if (!link) return;
    e.preventDefault();
    input.value = link.dataset.address;
    if (link.dataset.place) {  // a chosen candidate resolves exactly, never a new search
      closeSuggestions();
      fetchAnswer({ place: link.dataset.place }, true);
    } else {
      searchAddress(link.dataset.address);
    }
  });

  renderRecent();
  if (document.getElementById("answer")) show(slot.innerHTML, false);
})();
