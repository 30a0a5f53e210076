/**
 * Standard Korean layer names (UIS 지하시설물·도로시설물 DB, 도로명주소 전자지도) and the collection each
 * fills: WTL_* water lines and SWL_* sewer lines and RDL_* road lines → update-lines, TL_SCCO_GEMD → admin-areas.
 */
import type { CollectionId } from '../collections.js';

/** Where a standard layer goes. */
export interface LayerTarget {
  collection: CollectionId;
  facility?: 'water' | 'sewer' | 'road';
  /** Korean name of the layer, for feature names and reports. */
  label: string;
}

const LABELS: Record<string, string> = {
  WTL_PIPE_LM: '상수관로',
  WTL_SPLY_LS: '급수관로',
  SWL_PIPE_LM: '하수관로',
  SWL_CONN_LS: '하수연결관',
  SWL_SIDE_LS: '측구',
  RDL_CTLR_LS: '도로중심선',
};

/** The collection (and facility) a standard layer name maps to, or undefined for other names. */
export function layerTarget(layer: string): LayerTarget | undefined {
  const name = layer.toUpperCase().replace(/\.(SHP|ZIP|GEOJSON|JSON)$/, '');
  const m = /^(WTL|SWL|RDL)_[A-Z0-9]+_[A-Z]{2}/.exec(name);
  if (m) {
    const facility = m[1] === 'WTL' ? 'water' : m[1] === 'SWL' ? 'sewer' : 'road';
    const base = m[0];
    return {
      collection: 'update-lines',
      facility,
      label: LABELS[base] ?? { water: '상수 시설', sewer: '하수 시설', road: '도로 시설' }[facility],
    };
  }
  if (/^TL_SCCO_GEMD/.test(name)) return { collection: 'admin-areas', label: '읍면동 경계' };
  return undefined;
}

/** The standard layer an export of update-lines of one facility is named after (so it maps back on import). */
export function layerNameFor(facility: string | undefined): string | undefined {
  return facility === 'water'
    ? 'WTL_PIPE_LM'
    : facility === 'sewer'
      ? 'SWL_PIPE_LM'
      : facility === 'road'
        ? 'RDL_CTLR_LS'
        : undefined;
}
