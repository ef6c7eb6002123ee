/* Draws GeoJSON layers on every .zone-map element. Sources: data-urls (space-separated)
   and data-inline (space-separated ids of <script type="application/json"> elements).
   Zones (features with a level only) are the background; findings and changed regions
   are drawn over them. Popup text is set with textContent, so nothing from an upload is
   ever parsed as HTML. No tile layer: the site makes no requests to third parties. */
(function () {
  if (typeof L === "undefined") { return; }
  var colours = {blocking: "#c62828", warning: "#b35c00", changed: "#6a1b9a",
                 added: "#2e7d32", removed: "#c62828", primary: "#0b5cad", middle: "#00838f"};
  function popup(props) {
    var node = document.createElement("div");
    node.textContent = props.label || [props.zone_id, (props.school_codes || []).join("、"),
                                       props.kind, props.area_m2 && props.area_m2 + " m²"]
      .filter(Boolean).join(" · ");
    return node;
  }
  function isZone(p) { return !p.severity && !p.kind; }
  function style(feature) {
    var p = feature.properties || {};
    var c = colours[p.severity] || colours[p.kind] || colours[p.level] || "#0b5cad";
    return isZone(p) ? {color: c, weight: 1.2, fillOpacity: 0.08}
                     : {color: c, weight: 2.5, fillOpacity: 0.35};
  }
  document.querySelectorAll(".zone-map").forEach(function (el) {
    var map = L.map(el, {attributionControl: false, zoomControl: false, zoomSnap: 0.25});
    L.control.zoom({zoomInTitle: el.dataset.zoomIn || "+",
                    zoomOutTitle: el.dataset.zoomOut || "-"}).addTo(map);
    var group = L.featureGroup().addTo(map);
    var focus = L.featureGroup();  // findings and changed regions: where the eye should go
    var inline = (el.dataset.inline || "").split(" ").filter(Boolean);
    var urls = (el.dataset.urls || "").split(" ").filter(Boolean);
    var pending = inline.length + urls.length, features = 0;
    function add(data) {
      var layer = L.geoJSON(data, {style: style, pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, Object.assign(style(f), {radius: 7, fillOpacity: 0.8}));
      }, onEachFeature: function (f, layer) { layer.bindPopup(popup(f.properties || {})); }})
        .addTo(group);
      var shown = layer.getLayers();
      if (shown.length && isZone(shown[0].feature.properties || {})) { layer.bringToBack(); }
      else { shown.forEach(function (l) { focus.addLayer(l); }); }
      features += shown.length;
      var bounds = focus.getLayers().length ? focus.getBounds() : group.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, {padding: [30, 30], maxZoom: 15, animate: false}); }
    }
    function done() {
      pending -= 1;
      if (pending <= 0) { el.setAttribute("data-loaded", String(features)); }
    }
    map.setView([43.88, 125.45], 11);
    inline.forEach(function (id) {
      add(JSON.parse(document.getElementById(id).textContent));
      done();
    });
    urls.forEach(function (url) {
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); })
        .then(add).finally(done);
    });
    if (!pending) { el.setAttribute("data-loaded", "0"); }
  });
})();
