// The board's map: Natural Earth countries (TopoJSON decoded here), FIR polygons, NOTAM
// circles, watched routes and their airports. Every label is set as text, never as HTML.
"use strict";

window.BoardMap = (function () {
  const NM = 1852; // metres
  let map = null;
  let overlays = null;
  let fitted = false;

  // TopoJSON -> GeoJSON: delta-decoded, quantized arcs joined into rings.
  function decodeArcs(topology) {
    const t = topology.transform;
    return topology.arcs.map(function (arc) {
      let x = 0, y = 0;
      return arc.map(function (p) {
        x += p[0]; y += p[1];
        return t ? [x * t.scale[0] + t.translate[0], y * t.scale[1] + t.translate[1]]
                 : [p[0], p[1]];
      });
    });
  }

  function ring(arcs, indexes) {
    const points = [];
    let shift = 0;
    indexes.forEach(function (i, n) {
      const arc = i < 0 ? arcs[~i].slice().reverse() : arcs[i];
      arc.forEach(function (p, k) {
        if (n > 0 && k === 0) return;
        // Rings cut at the antimeridian (Fiji, Chukotka) stay whole: no line across the map.
        if (points.length) {
          const previous = points[points.length - 1][0];
          while (p[0] + shift - previous > 180) shift -= 360;
          while (p[0] + shift - previous < -180) shift += 360;
        }
        points.push([p[0] + shift, p[1]]);
      });
    });
    return points;
  }

  function topoFeatures(topology, name) {
    const arcs = decodeArcs(topology);
    return topology.objects[name].geometries.filter(function (g) { return g.arcs; })
      .map(function (g) {
        const polygons = g.type === "Polygon" ? [g.arcs] : g.arcs;
        return {type: "Feature", properties: {},
                geometry: {type: "MultiPolygon", coordinates: polygons.map(function (p) {
                  return p.map(function (r) { return ring(arcs, r); });
                })}};
      });
  }

  function label(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function start(element) {
    map = L.map(element, {zoomSnap: 0.25, worldCopyJump: false, attributionControl: true});
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution("Natural Earth");
    map.setView([15, -50], 3);
    map.createPane("land");  // under the overlays (z-index in board.css)
    const land = L.canvas({padding: 0.5, pane: "land"});
    fetch("/static/vendor/world-atlas/countries-50m.json")
      .then(function (r) { return r.json(); })
      .then(function (topology) {
        L.geoJSON({type: "FeatureCollection", features: topoFeatures(topology, "countries")},
          {renderer: land, pane: "land", interactive: false,
           style: {color: "#c9c3b3", weight: 0.7, fillColor: "#f7f5ef", fillOpacity: 1}})
          .addTo(map);
        element.dataset.world = "drawn";
      });
    overlays = L.layerGroup().addTo(map);
    draw(JSON.parse(element.dataset.map || "{}"));
  }

  function draw(data) {
    overlays.clearLayers();
    const bounds = [];
    const firs = L.geoJSON(data.firs || {type: "FeatureCollection", features: []}, {
      style: function (f) {
        return f.properties.active
          ? {color: "#b42318", weight: 1.6, fillColor: "#b42318", fillOpacity: 0.22,
             className: "fir fir-active fir-" + f.properties.icao}
          : {color: "#7a5af8", weight: 1.2, dashArray: "4 4", fillOpacity: 0.03,
             className: "fir fir-" + f.properties.icao};
      },
      onEachFeature: function (f, layer) {
        const text = f.properties.icao +
          (f.properties.keys.length ? ": " + f.properties.keys.join(", ") : "");
        layer.bindTooltip(label(text), {sticky: true});
        if (f.properties.active) bounds.push(layer.getBounds());
      },
    }).addTo(overlays);
    (data.circles || []).forEach(function (c) {
      L.circle([c.lat, c.lon], {radius: c.radius_nm * NM, color: "#dc6803", weight: 1.5,
                                fillOpacity: 0.25, className: "notam-circle"})
        .bindTooltip(label(c.key + " · " + c.radius_nm + " NM"), {sticky: true})
        .addTo(overlays);
    });
    (data.routes || []).forEach(function (r) {
      const line = L.polyline(r.points, {color: "#1849a9", weight: 3, opacity: 0.9,
                                         className: "route route-" + r.label});
      line.bindTooltip(label(r.label), {sticky: true}).addTo(overlays);
      bounds.push(line.getBounds());
    });
    (data.airports || []).forEach(function (a) {
      L.circleMarker([a.lat, a.lon], {radius: 5, color: "#1849a9", weight: 2,
                                      fillColor: "#fff", fillOpacity: 1, className: "airport"})
        .bindTooltip(label(a.iata || a.icao), {permanent: true, direction: "right",
                                                className: "map-label", offset: [6, 0]})
        .addTo(overlays);
    });
    firs.bringToBack();
    if (!fitted && bounds.length) {
      const all = bounds.reduce(function (acc, b) { return acc.extend(b); },
                                L.latLngBounds(bounds[0].getSouthWest(), bounds[0].getNorthEast()));
      map.fitBounds(all, {padding: [24, 24], maxZoom: 6});
      fitted = true;
    }
    map.getContainer().dataset.drawn = String((data.routes || []).length);
  }

  return {start: start, draw: draw};
})();
