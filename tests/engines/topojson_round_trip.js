// Reads a TopoJSON layer with topojson-client (as Power BI's shape map and d3 do) and checks it
// against the GeoJSON layer beside it: the same areas by id, each area's size within 2%, shared
// borders shared. Usage: node topojson_round_trip.js LAYER.topojson LAYER.geojson OBJECT_NAME
const fs = require("fs");
const topojson = require("topojson-client");

const [topoPath, geoPath, name] = process.argv.slice(2);
const topology = JSON.parse(fs.readFileSync(topoPath, "utf8"));
const geojson = JSON.parse(fs.readFileSync(geoPath, "utf8"));

function check(condition, message) {
  if (!condition) {
    console.error(message);
    process.exit(1);
  }
}

check(topology.type === "Topology" && topology.transform && Array.isArray(topology.arcs), "not a quantised Topology");
const object = topology.objects[name];
check(object && object.type === "GeometryCollection", `no GeometryCollection ${name}`);
for (const arc of topology.arcs) {
  check(arc.length >= 2 && arc.every((p) => p.length === 2 && p.every(Number.isInteger)), "an arc is not quantised");
}
const [x0, y0, x1, y1] = topology.bbox;
check(x0 >= -180 && x1 <= 180 && y0 >= -90 && y1 <= 90, `not WGS84: bbox ${topology.bbox}`);

function ringArea(ring) {
  let sum = 0;
  for (let i = 1; i < ring.length; i++) sum += ring[i - 1][0] * ring[i][1] - ring[i][0] * ring[i - 1][1];
  return sum / 2;
}
function area(geometry) {
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  return polygons.reduce((a, p) => a + Math.abs(ringArea(p[0])) - p.slice(1).reduce((h, r) => h + Math.abs(ringArea(r)), 0), 0);
}

const decoded = topojson.feature(topology, object).features;
check(decoded.length === geojson.features.length, `${decoded.length} areas, the GeoJSON has ${geojson.features.length}`);
let worst = 0;
decoded.forEach((feature, i) => {
  const original = geojson.features[i];
  check(feature.id === original.properties.area_code, `id ${feature.id} for ${original.properties.area_code}`);
  check(feature.properties.area_code === feature.id, "area_code is the key");
  const ratio = area(feature.geometry) / area(original.geometry);
  worst = Math.max(worst, Math.abs(ratio - 1));
});
check(worst < 0.02, `an area's size changed by ${(worst * 100).toFixed(2)}% in simplification`);
const neighbours = topojson.neighbors(object.geometries);
const shared = neighbours.filter((n) => n.length > 0).length;
check(decoded.length < 2 || shared > 0, "no area shares a border: borders were not made shared arcs");
const mesh = topojson.mesh(topology, object, (a, b) => a !== b);
console.log(`${name}: ${decoded.length} areas, ${topology.arcs.length} arcs, ${shared} with neighbours, ` +
  `${mesh.coordinates.length} inner borders, largest size change ${(worst * 100).toFixed(3)}%`);
