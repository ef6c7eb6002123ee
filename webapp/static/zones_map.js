/* Draws GeoJSON layers on every .zone-map element. Sources: data-urls (space-separated)
   and data-inline (the id of a <script type="application/json">). Popup text is set with
   textContent, so nothing from an upload is ever parsed as HTML. No tile layer: the site
   makes no requests to third parties. */
(function () {
  if (typeof L === "undefined") { return; }
  var colours = {blocking: "#c62828", warning: "#ef8f00", changed: "#6a1b9a",
                 added: "#2e7d32", removed: "#c62828", primary: "#0b5cad", middle: "#00838f"};
  function popup(props) {
    var node = document.createElement("div");
    node.textContent = props.label || [props.zone_id, (props.school_codes || []).join("、"),
                                       props.kind, props.area_m2 && props.area_m2 + " m²"]
      .filter(Boolean).join(" · ");
    return node;
  }
  function style(feature) {
    var p = feature.properties || {};
    var c = colours[p.severity] || colours[p.kind] || colours[p.level] || "#0b5cad";
    return {color: c, weight: 1.5, fillOpacity: 0.15};
  }
  document.querySelectorAll(".zone-map").forEach(function (el) {
    var map = L.map(el, {attributionControl: false});
    var group = L.featureGroup().addTo(map);
    function add(data) {
      L.geoJSON(data, {style: style, pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, Object.assign(style(f), {radius: 7, fillOpacity: 0.8}));
      }, onEachFeature: function (f, layer) { layer.bindPopup(popup(f.properties || {})); }})
        .addTo(group);
      if (group.getLayers().length) { map.fitBounds(group.getBounds(), {padding: [10, 10]}); }
      el.setAttribute("data-loaded", String(group.getLayers().length));
    }
    map.setView([43.88, 125.45], 11);
    if (el.dataset.inline) { add(JSON.parse(document.getElementById(el.dataset.inline).textContent)); }
    (el.dataset.urls || "").split(" ").filter(Boolean).forEach(function (url) {
      fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(add);
    });
  });
})();
