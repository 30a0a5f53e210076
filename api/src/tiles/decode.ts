import { VectorTile } from '@mapbox/vector-tile';
import { PbfReader } from 'pbf';

/** One decoded feature: id, geometry type, properties and rings/lines/points in tile units. */
export interface DecodedFeature {
  id: number | undefined;
  type: 'Point' | 'LineString' | 'Polygon' | 'Unknown';
  properties: Record<string, string | number | boolean>;
  geometry: [number, number][][];
}

/** A decoded tile: each layer's extent and features (sorted by id). */
export type DecodedTile = Record<string, { extent: number; features: DecodedFeature[] }>;

const TYPES = ['Unknown', 'Point', 'LineString', 'Polygon'] as const;

/** Decodes an MVT body with @mapbox/vector-tile + pbf (an empty body is a tile without layers). */
export function decodeTile(body: Uint8Array): DecodedTile {
  const out: DecodedTile = {};
  if (body.byteLength === 0) return out;
  const tile = new VectorTile(new PbfReader(body));
  for (const [name, layer] of Object.entries(tile.layers)) {
    const features: DecodedFeature[] = [];
    for (let i = 0; i < layer.length; i++) {
      const f = layer.feature(i);
      features.push({
        id: f.id,
        type: TYPES[f.type] ?? 'Unknown',
        properties: { ...f.properties } as Record<string, string | number | boolean>,
        geometry: f.loadGeometry().map((ring) => ring.map((p) => [p.x, p.y] as [number, number])),
      });
    }
    features.sort((a, b) => (a.id ?? 0) - (b.id ?? 0));
    out[name] = { extent: layer.extent, features };
  }
  return out;
}

/** Fractions rounded to 6 decimals (engines differ in the last digits of computed lengths). */
function readable(v: unknown): unknown {
  return typeof v === 'number' && !Number.isInteger(v) ? Number(v.toFixed(6)) : v;
}

/** A decoded tile as stable, readable text: one line per feature, properties sorted by name. */
export function tileToText(tile: DecodedTile): string {
  const lines: string[] = [];
  for (const name of Object.keys(tile).sort()) {
    const layer = tile[name];
    if (!layer) continue;
    lines.push(`layer ${name} extent=${layer.extent} features=${layer.features.length}`);
    for (const f of layer.features) {
      const props = Object.keys(f.properties)
        .sort()
        .map((k) => `${k}=${JSON.stringify(readable(f.properties[k]))}`)
        .join(' ');
      const geom = f.geometry.map((r) => r.map(([x, y]) => `${x},${y}`).join(' ')).join(' | ');
      lines.push(`  #${f.id} ${f.type} {${props}} ${geom}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
