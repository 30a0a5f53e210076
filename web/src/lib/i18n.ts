/** Interface languages: Korean first, English on request. */
export type Lang = 'ko' | 'en';

const STRINGS = {
  title: { ko: '김포시 자산·시설물 지도', en: 'Gimpo asset map' },
  langSwitch: { ko: 'English', en: '한국어' },
  langSwitchLabel: { ko: 'English (영어로 보기)', en: '한국어 (Switch to Korean)' },
  map: { ko: '지도', en: 'Map' },
  panels: { ko: '도구', en: 'Tools' },
  tabLayers: { ko: '레이어', en: 'Layers' },
  tabWifi: { ko: '와이파이', en: 'Wi-Fi' },
  tabLedger: { ko: '사업 현황', en: 'Projects' },
  tabLocator: { ko: '홍보시설', en: 'PR sites' },
  tabMeasure: { ko: '측정', en: 'Measure' },
  tabList: { ko: '목록', en: 'List' },
  sheetToggle: { ko: '도구 창 접기/펴기', en: 'Collapse or expand tools' },
  loading: { ko: '불러오는 중…', en: 'Loading…' },
  loadError: { ko: '불러오지 못했습니다', en: 'Could not load' },
  layers: { ko: '레이어와 범례', en: 'Layers and legend' },
  features: { ko: '개', en: 'features' },
  search: { ko: '검색', en: 'Search' },
  searchPlaceholder: { ko: '시설·주소 검색', en: 'Search places' },
  searchNoResult: { ko: '검색 결과가 없습니다', en: 'No results' },
  searchResults: { ko: '검색 결과', en: 'results' },
  close: { ko: '닫기', en: 'Close' },
  detail: { ko: '상세 정보', en: 'Details' },
  showDetail: { ko: '상세 보기', en: 'Show details' },
  unverified: { ko: '위치 미확인', en: 'Unverified location' },
  unverifiedHelp: { ko: '위치가 대략적으로 표시되었습니다', en: 'The position is approximate' },
  demo: { ko: '예시 자료', en: 'Demo / sample data' },
  demoHelp: { ko: '실제 조사 자료가 아닌 예시입니다', en: 'Not real survey data' },
  demoInLayer: { ko: '예시 자료 {n}개', en: '{n} demo / sample' },
  demoInLayerHelp: {
    ko: '이 레이어의 {n}개는 실제 자료가 아닌 예시입니다 (시설 정보에 ◇ 표시)',
    en: '{n} features of this layer are demo or sample data, not real records (marked ◇ in their details)',
  },
  provenance: { ko: '출처', en: 'Source' },
  dataDate: { ko: '데이터기준일자', en: 'Data date' },
  yes: { ko: '예', en: 'Yes' },
  no: { ko: '아니오', en: 'No' },
  zoomTo: { ko: '이동', en: 'Go to' },
  exportGeojson: { ko: 'GeoJSON 저장', en: 'Save GeoJSON' },
  exportCsv: { ko: 'CSV 저장', en: 'Save CSV' },
  exportView: { ko: '보이는 시설 내보내기', en: 'Export what is in view' },
  exportSelected: { ko: '선택한 시설 내보내기', en: 'Export the selected feature' },
  inView: { ko: '지도에 보이는 시설', en: 'Features in view' },
  inViewCount: { ko: '지도에 보이는 시설 {n}개', en: '{n} features in view' },
  inViewMore: { ko: '외 {n}개 (지도를 확대하세요)', en: 'and {n} more (zoom in)' },
  wifiTitle: { ko: '가까운 공공와이파이 찾기', en: 'Find the nearest public Wi-Fi' },
  wifiMyLocation: { ko: '내 위치에서 찾기', en: 'From my location' },
  wifiPickPoint: { ko: '지도에서 지점 선택', en: 'Pick a point on the map' },
  wifiPickHint: { ko: '지도를 눌러 지점을 선택하세요', en: 'Tap the map to choose a point' },
  wifiMapCentre: { ko: '지도 중심에서 찾기', en: 'From the map centre' },
  wifiNone: { ko: '주변에 와이파이가 없습니다', en: 'No Wi-Fi nearby' },
  wifiRadius: { ko: '원: 약 {r} m 이용 가능 범위', en: 'Circles: about {r} m coverage' },
  wifiFound: { ko: '가까운 와이파이 {n}곳', en: '{n} nearest Wi-Fi sites' },
  geoError: { ko: '현재 위치를 알 수 없습니다', en: 'Your location is not available' },
  ledgerTitle: { ko: '공간정보 DB 갱신 사업 현황', en: 'Spatial-DB update coverage' },
  target: { ko: '목표', en: 'Target' },
  surveyed: { ko: '조사', en: 'Surveyed' },
  coverage: { ko: '달성률', en: 'Coverage' },
  total: { ko: '합계', en: 'Total' },
  turfCheck: { ko: '브라우저(Turf) 전체 연장', en: 'Browser (Turf) total' },
  turfMatch: { ko: '일치', en: 'matches' },
  turfMismatch: { ko: '불일치', en: 'differs' },
  outside: { ko: '사업 구역을 벗어난 선 {n}개', en: 'Lines leaving the area: {n}' },
  lineCount: { ko: '선 {n}개', en: 'lines: {n}' },
  chartTitle: { ko: '시설·연도별 연장(km)', en: 'Length by facility and year (km)' },
  project: { ko: '사업', en: 'Project' },
  locatorTitle: { ko: '홍보 시설물 찾기', en: 'Promotional facility locator' },
  kind: { ko: '종류', en: 'Kind' },
  emd: { ko: '읍면동', en: 'Town / district' },
  all: { ko: '전체', en: 'All' },
  name: { ko: '이름', en: 'Name' },
  address: { ko: '주소', en: 'Address' },
  units: { ko: '수량', en: 'Units' },
  shown: { ko: '{n}곳 표시', en: '{n} shown' },
  measureTitle: { ko: '거리·면적 측정', en: 'Measure distance and area' },
  measureLine: { ko: '거리', en: 'Distance' },
  measurePolygon: { ko: '면적', en: 'Area' },
  measureStart: { ko: '측정 시작', en: 'Start measuring' },
  measureHint: {
    ko: '지도를 눌러 점을 찍거나 “지도 중심에 점 추가”를 누르세요. Enter: 완료, Esc: 취소',
    en: 'Click the map or use “Add point at map centre”. Enter finishes, Esc cancels.',
  },
  measureAddCentre: { ko: '지도 중심에 점 추가', en: 'Add point at map centre' },
  measureUndo: { ko: '마지막 점 지우기', en: 'Remove last point' },
  measureFinish: { ko: '측정 완료', en: 'Finish' },
  measureCancel: { ko: '측정 취소', en: 'Cancel' },
  measureLength: { ko: '길이', en: 'Length' },
  measureArea: { ko: '면적', en: 'Area' },
  measurePoints: { ko: '점 {n}개', en: '{n} points' },
  basemapOffline: {
    ko: '배경지도를 불러올 수 없어 자체 지도로 표시합니다',
    en: 'Basemap unavailable: showing the offline map',
  },
  geolocate: { ko: '내 위치 보기', en: 'Show my location' },
  zoomIn: { ko: '확대', en: 'Zoom in' },
  zoomOut: { ko: '축소', en: 'Zoom out' },
  resetNorth: { ko: '북쪽 방향으로', en: 'Reset bearing to north' },
  selected: { ko: '선택됨: {name}', en: 'Selected: {name}' },
} as const satisfies Record<string, Record<Lang, string>>;

/** Keys of the interface strings. */
export type StringKey = keyof typeof STRINGS;

/** The string for `key` in `lang`, with `{name}` placeholders filled from `vars`. */
export function translate(lang: Lang, key: StringKey, vars: Record<string, string | number> = {}): string {
  let s: string = STRINGS[key][lang];
  for (const [k, v] of Object.entries(vars)) s = s.replaceAll(`{${k}}`, String(v));
  return s;
}

const VALUES: Record<string, { ko: string; en: string }> = {
  symbol: { ko: '상징 조형물', en: 'Symbol sculpture' },
  character: { ko: '캐릭터 조형물', en: 'Character sculpture' },
  led: { ko: 'LED 전광판', en: 'LED board' },
  backlit: { ko: '백라이트 홍보판', en: 'Backlit board' },
  'smart-board': { ko: '스마트 게시판', en: 'Smart bulletin board' },
  other: { ko: '기타', en: 'Other' },
  road: { ko: '도로', en: 'Road' },
  water: { ko: '상수도', en: 'Water' },
  sewer: { ko: '하수도', en: 'Sewer' },
  planned: { ko: '계획', en: 'Planned' },
  'in-progress': { ko: '진행 중', en: 'In progress' },
  completed: { ko: '완료', en: 'Completed' },
};

/** Label of an enumerated value (kind, facility, status), or the value itself. */
export function valueLabel(lang: Lang, value: string): string {
  return VALUES[value]?.[lang] ?? value;
}
