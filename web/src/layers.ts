/** How each collection is drawn: colour plus a shape, so layers differ without relying on colour alone. */
export interface LayerStyle {
  id: string;
  ko: string;
  en: string;
  color: string;
  /** Shape drawn on the map and in the legend. */
  shape: 'circle' | 'triangle' | 'square' | 'diamond' | 'line' | 'dashed-line' | 'fill' | 'outline';
}

/** Layer order from bottom to top. */
export const LAYERS: LayerStyle[] = [
  { id: 'admin-areas', ko: '읍면동 경계', en: 'Towns & districts', color: '#6b7280', shape: 'outline' },
  {
    id: 'update-areas',
    ko: '공간정보 DB 갱신 사업',
    en: 'Spatial-DB update projects',
    color: '#b45309',
    shape: 'fill',
  },
  { id: 'update-lines', ko: '갱신 시설물 (데모)', en: 'Surveyed lines (demo)', color: '#7c3aed', shape: 'line' },
  { id: 'wifi', ko: '공공와이파이', en: 'Public Wi-Fi', color: '#1d4ed8', shape: 'circle' },
  { id: 'sculptures', ko: '상징·캐릭터 조형물', en: 'Sculptures', color: '#be123c', shape: 'triangle' },
  { id: 'signage', ko: '전광판·홍보판·스마트 게시판', en: 'Signage', color: '#047857', shape: 'square' },
];
