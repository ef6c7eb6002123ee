// The public map, drawn from the app's own data (GET /map/data.json): the dataset's streets,
// 小区 and 街道 under the zones (readable with no base tiles), the district outline, the
// zones of one level at a time, and the schools, labelled when there is room and clustered
// when they crowd. Used by the map page (with static/app.js) and by a school's page.
// Exposes window.XuequMap.ready(fn) → fn(api) once the data is drawn.
(function () {
  "use strict";
  var frame = document.querySelector("[data-map-data]");
  if (!frame || !window.L) return;
  var waiting = [];
  var api = null;
  window.XuequMap = { ready: function (fn) { if (api) fn(api); else waiting.push(fn); } };

  var COLOURS = { primary: "#0b5cad", middle: "#b3541e", nine_year: "#1a7f37" };
  var ZONE_STYLE = {
    direct: { color: "#0b5cad", weight: 1.5, fillColor: "#3b82c4", fillOpacity: 0.12 },
    lottery: { color: "#6b2f8c", weight: 1.5, fillColor: "#a66cc4", fillOpacity: 0.2, dashArray: "6 4" }
  };
  var CHOSEN_STYLE = { color: "#d1242f", weight: 4, fillColor: "#f2a900", fillOpacity: 0.18, dashArray: null };
  var LABEL_ZOOM = 14;        // school names from here on; below, crowded schools cluster
  var STREET_LABEL_ZOOM = 13;
  var XIAOQU_LABEL_ZOOM = 15;
  var CLUSTER_PX = 40;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  fetch(frame.dataset.mapData, { headers: { "Accept": "application/json" } })
    .then(function (r) { return r.json(); })
    .then(draw)
    .catch(function () { frame.classList.add("map-failed"); });

  function draw(data) {
    var t = data.labels;
    var map = L.map(frame, { zoomControl: true, minZoom: 9, maxZoom: 18, tap: true });
    map.createPane("basemap").style.zIndex = 300;
    var labelPane = map.createPane("labels");
    labelPane.style.zIndex = 450;
    labelPane.style.pointerEvents = "none";
    frame.classList.add("map-ready");
    (data.tiles || []).forEach(function (spec) {
      L.tileLayer(spec.url, { attribution: spec.attribution, subdomains: spec.subdomains,
                              maxZoom: spec.max_zoom }).addTo(map);
    });
    L.control.scale({ imperial: false }).addTo(map);

    // ---- the dataset's own base map: 街道 areas, 小区, streets (under the zones) ----
    var basemap = data.basemap || {};
    var labelLayers = [];   // [layerGroup, minZoom, maxZoom]
    if (basemap.subdistricts) {
      var areaLabels = L.layerGroup();
      L.geoJSON(basemap.subdistricts, { pane: "basemap", interactive: false,
        style: { color: "#8c959f", weight: 1, dashArray: "2 4", fill: true, fillColor: "#f6f8fa",
                 fillOpacity: 0.6 },
        onEachFeature: function (f, layer) {
          if (f.properties.name) areaLabels.addLayer(textLabel(layer.getBounds().getCenter(), f.properties.name, "area-label"));
        } }).addTo(map);
      labelLayers.push([areaLabels, 0, 13]);
    }
    if (basemap.xiaoqu) {
      L.geoJSON(basemap.xiaoqu, { pane: "basemap", interactive: false,
        style: { color: "#9a6700", weight: 1, fillColor: "#fff8c5", fillOpacity: 0.5 } }).addTo(map);
    }
    var xiaoquSource = basemap.xiaoqu || basemap.xiaoqu_labels;
    if (xiaoquSource) {
      var xiaoquLabels = L.layerGroup();
      xiaoquSource.features.forEach(function (f) {
        var at = f.geometry.type === "Point" ? L.latLng(f.geometry.coordinates[1], f.geometry.coordinates[0])
          : L.geoJSON(f).getBounds().getCenter();
        xiaoquLabels.addLayer(textLabel(at, f.properties.name, "xiaoqu-label"));
      });
      labelLayers.push([xiaoquLabels, XIAOQU_LABEL_ZOOM, 99]);
    }
    if (basemap.streets) {
      var streetLabels = L.layerGroup();
      L.geoJSON(basemap.streets, { pane: "basemap", interactive: false, className: "street-line",
        style: { color: "#ffffff", weight: 6, opacity: 1 } }).addTo(map);
      L.geoJSON(basemap.streets, { pane: "basemap", interactive: false, className: "street-core",
        style: { color: "#9aa3ad", weight: 3, opacity: 1 },
        onEachFeature: function (f, layer) {
          var points = layer.getLatLngs();
          if (points.length && Array.isArray(points[0])) points = points[0];
          // A name on every segment, so a zoomed-in view still shows which street it is.
          for (var i = 1; f.properties.name && i < points.length; i++) {
            var mid = L.latLng((points[i - 1].lat + points[i].lat) / 2, (points[i - 1].lng + points[i].lng) / 2);
            streetLabels.addLayer(textLabel(mid, f.properties.name, "street-label"));
          }
        } }).addTo(map);
      labelLayers.push([streetLabels, STREET_LABEL_ZOOM, 99]);
    }

    function textLabel(latlng, text, className) {
      return L.marker(latlng, { pane: "labels", interactive: false, keyboard: false,
        icon: L.divIcon({ className: "map-label " + className, html: "", iconSize: null }) })
        .on("add", function () { this.getElement().textContent = text; });
    }

    // ---- district outline and zones ----
    var outline = L.geoJSON(data.district, { interactive: false,
      style: { color: "#1f2328", weight: 2.5, fill: false } }).addTo(map);
    var chosenZones = [];
    var zoneLayers = {};
    Object.keys(data.zones).forEach(function (level) {
      zoneLayers[level] = L.geoJSON(data.zones[level], {
        style: function (f) { return styleFor(f); }, bubblingMouseEvents: true });
    });
    function styleFor(feature) {
      return chosenZones.indexOf(feature.properties.zone_id) >= 0 ? CHOSEN_STYLE
        : ZONE_STYLE[feature.properties.allocation] || ZONE_STYLE.direct;
    }

    // ---- schools: labelled markers, clustered when they crowd ----
    var chosenSchools = [];
    var schoolLayer = L.layerGroup().addTo(map);
    var level = frame.dataset.level === "middle" ? "middle" : "primary";

    function serves(s, lvl) { return s.level === lvl || s.level === "nine_year"; }

    function popup(s) {
      var box = el("div", "school-popup");
      box.appendChild(el("strong", "", s.name));
      if (s.address) { box.appendChild(el("br")); box.appendChild(document.createTextNode(s.address)); }
      if (s.phone) {
        box.appendChild(el("br"));
        box.appendChild(document.createTextNode(t.phone));
        var tel = el("a", "", s.phone); tel.href = "tel:" + s.phone; box.appendChild(tel);
      }
      var link = el("a", "popup-link", t.school_zone);
      link.href = s.url;
      box.appendChild(el("br"));
      box.appendChild(link);
      return box;
    }

    function schoolMarker(s) {
      var chosen = chosenSchools.indexOf(s.code) >= 0;
      var marker = L.circleMarker([s.lat, s.lng], { radius: chosen ? 10 : 8, weight: chosen ? 4 : 2,
        color: chosen ? "#d1242f" : "#ffffff", fillColor: COLOURS[s.level], fillOpacity: 1,
        bubblingMouseEvents: false, className: "school-marker" });
      marker.bindPopup(popup(s));
      if (chosen || map.getZoom() >= LABEL_ZOOM) {
        marker.bindTooltip(s.name, { permanent: true, direction: "right", offset: [8, 0],
                                     className: "school-label" + (chosen ? " school-label-chosen" : "") });
      }
      return marker;
    }

    function drawSchools() {
      schoolLayer.clearLayers();
      var shown = data.schools.filter(function (s) { return serves(s, level); });
      if (map.getZoom() >= LABEL_ZOOM) {
        shown.forEach(function (s) { schoolLayer.addLayer(schoolMarker(s)); });
        return;
      }
      // Greedy clustering in screen pixels; the assigned school always stands alone.
      var clusters = [];
      shown.forEach(function (s) {
        var p = map.latLngToLayerPoint([s.lat, s.lng]);
        if (chosenSchools.indexOf(s.code) >= 0) { schoolLayer.addLayer(schoolMarker(s)); return; }
        var near = clusters.find(function (c) { return c.point.distanceTo(p) < CLUSTER_PX; });
        if (near) near.members.push(s); else clusters.push({ point: p, members: [s] });
      });
      clusters.forEach(function (c) {
        if (c.members.length === 1) { schoolLayer.addLayer(schoolMarker(c.members[0])); return; }
        var bounds = L.latLngBounds(c.members.map(function (s) { return [s.lat, s.lng]; }));
        var label = t.cluster.replace("{n}", c.members.length);
        var icon = L.divIcon({ className: "school-cluster", html: "", iconSize: [44, 44] });
        var m = L.marker(bounds.getCenter(), { icon: icon, title: label, alt: label, keyboard: true,
                                               bubblingMouseEvents: false });
        m.on("add", function () { this.getElement().textContent = c.members.length;
                                  this.getElement().setAttribute("aria-label", label); });
        m.on("click", function () { map.fitBounds(bounds.pad(0.5), { maxZoom: LABEL_ZOOM }); });
        schoolLayer.addLayer(m);
      });
    }

    function showLabels() {
      var z = map.getZoom();
      labelLayers.forEach(function (entry) {
        var on = z >= entry[1] && z <= entry[2];
        if (on && !map.hasLayer(entry[0])) entry[0].addTo(map);
        if (!on && map.hasLayer(entry[0])) map.removeLayer(entry[0]);
      });
    }

    // ---- the primary/middle switch ----
    var switchButtons = {};
    function setLevel(next) {
      level = next;
      Object.keys(zoneLayers).forEach(function (lvl) {
        if (lvl === level) zoneLayers[lvl].addTo(map); else map.removeLayer(zoneLayers[lvl]);
      });
      Object.keys(switchButtons).forEach(function (lvl) {
        switchButtons[lvl].setAttribute("aria-pressed", lvl === level ? "true" : "false");
      });
      drawSchools();
    }
    var LevelSwitch = L.Control.extend({ options: { position: "topright" }, onAdd: function () {
      var box = el("div", "leaflet-bar level-switch");
      box.setAttribute("role", "group");
      box.setAttribute("aria-label", t.level_switch);
      ["primary", "middle"].forEach(function (lvl) {
        var b = el("button", "level-" + lvl, t[lvl]);
        b.type = "button";
        b.addEventListener("click", function () { setLevel(lvl); });
        switchButtons[lvl] = b;
        box.appendChild(b);
      });
      L.DomEvent.disableClickPropagation(box);
      return box;
    } });
    new LevelSwitch().addTo(map);

    // ---- 我的位置 ----
    var locateHandlers = [];
    var Locate = L.Control.extend({ options: { position: "topleft" }, onAdd: function () {
      var b = el("button", "leaflet-bar locate-button", t.my_location);
      b.type = "button";
      b.addEventListener("click", function () {
        if (locateHandlers.length) { locateHandlers.forEach(function (fn) { fn(); }); return; }
        map.locate({ setView: true, maxZoom: 16 });
      });
      L.DomEvent.disableClickPropagation(b);
      return b;
    } });
    new Locate().addTo(map);

    // ---- legend ----
    var Legend = L.Control.extend({ options: { position: "bottomleft" }, onAdd: function () {
      var box = el("details", "map-legend");
      box.open = window.matchMedia("(min-width: 900px)").matches;
      box.appendChild(el("summary", "", t.legend));
      var ul = el("ul");
      [["dot", COLOURS.primary, t.school_primary], ["dot", COLOURS.middle, t.school_middle],
       ["dot", COLOURS.nine_year, t.school_nine], ["ring", "#d1242f", t.assigned],
       ["swatch", "#f2a900", t.zone_yours], ["swatch lottery", "#a66cc4", t.lottery],
       ["line", "#9aa3ad", t.streets]].forEach(function (row) {
        var li = el("li");
        var key = el("span", "key key-" + row[0]);
        key.style.setProperty("--key", row[1]);
        key.setAttribute("aria-hidden", "true");
        li.appendChild(key);
        li.appendChild(document.createTextNode(row[2]));
        ul.appendChild(li);
      });
      box.appendChild(ul);
      L.DomEvent.disableClickPropagation(box);
      return box;
    } });
    new Legend().addTo(map);

    function label(selector, text) {
      var node = frame.querySelector(selector);
      if (node) { node.title = text; node.setAttribute("aria-label", text); }
    }
    label(".leaflet-control-zoom-in", t.zoom_in);
    label(".leaflet-control-zoom-out", t.zoom_out);

    map.fitBounds(outline.getBounds());
    map.on("zoomend", function () { drawSchools(); showLabels(); });
    setLevel(level);
    showLabels();

    // ---- what the page's script and the school page use ----
    api = {
      map: map,
      lookupCrs: data.lookup_crs,
      onLocate: function (fn) { locateHandlers.push(fn); },
      onTap: function (fn) { map.on("click", function (e) { fn(e.latlng); }); },
      /** Mark the answer: its zones, its schools; switch to the level that has a zone. */
      mark: function (zoneIds, schoolCodes) {
        chosenZones = zoneIds.filter(Boolean);
        chosenSchools = schoolCodes.filter(Boolean);
        Object.keys(zoneLayers).forEach(function (lvl) {
          zoneLayers[lvl].setStyle(styleFor);
        });
        drawSchools();
      },
      /** Zoom to the zones of one school (its own page). */
      showSchool: function (code) {
        var bounds = null;
        var ids = [];
        Object.keys(data.zones).forEach(function (lvl) {
          data.zones[lvl].features.forEach(function (f) {
            if (f.properties.schools.indexOf(code) >= 0) {
              ids.push(f.properties.zone_id);
              var b = L.geoJSON(f).getBounds();
              bounds = bounds ? bounds.extend(b) : b;
            }
          });
        });
        api.mark(ids, [code]);
        if (bounds) map.fitBounds(bounds.pad(0.2));
      },
      setLevel: setLevel
    };
    // Tests and the console find the map and its zone layers by these names.
    window.xuequMap = map;
    frame.dataset.map = "xuequMap";
    var names = {};
    Object.keys(zoneLayers).forEach(function (lvl) {
      names[lvl] = "xuequZones_" + lvl;
      window[names[lvl]] = zoneLayers[lvl];
    });
    frame.dataset.layers = JSON.stringify(names);
    frame.dataset.drawn = "true";
    if (frame.dataset.school) api.showSchool(frame.dataset.school);
    waiting.forEach(function (fn) { fn(api); });
  }
})();
