/**
 * The six collections of the HTTP contract (shared/API.md): their tables, geometry, properties, labels
 * and the role that edits them. Routes, SQL, validation, queryables, CSV and the OpenAPI document all
 * read these definitions; nothing else lists a collection's columns.
 */

/** Roles of staff accounts. */
export type Role = 'admin' | 'gis' | 'pr' | 'it';

/** Column types a property can have. */
export type PropertyType = 'text' | 'integer' | 'number' | 'boolean' | 'date' | 'month' | 'text[]' | 'json';

/** One property (a table column) of a collection. */
export interface PropertyDef {
  name: string;
  type: PropertyType;
  /** Korean label shown first in the web client. */
  ko: string;
  /** English label. */
  en: string;
  required?: boolean;
  /** Allowed values. */
  enum?: readonly string[];
  /** May be used as a `{property}=value` filter on items. */
  queryable?: boolean;
  /** Computed by the server; never taken from input. */
  readOnly?: boolean;
  /** Longest accepted text. */
  maxLength?: number;
  minimum?: number;
  maximum?: number;
}

/** Geometry types of a collection. */
export type GeometryKind = 'Point' | 'Polygon' | 'LineString';

/** A collection of the contract. */
export interface CollectionDef {
  id: CollectionId;
  table: string;
  ko: string;
  en: string;
  description: string;
  geometry: GeometryKind;
  /** Accepted GeoJSON geometry types (Multi* where the column takes them). */
  geometryTypes: readonly string[];
  /** PostGIS column type. */
  columnType: string;
  editRole: Role;
  /** Column holding the date used by `datetime`, if any. */
  datetimeColumn?: string;
  /** Columns searched by `/api/search`. */
  searchColumns: readonly string[];
  /** Column that names a feature in lists and popups. */
  titleColumn: string;
  /** Geometry may lie outside the city's extent (e.g. a station in Seoul). */
  allowOutsideCity?: boolean;
  properties: readonly PropertyDef[];
}

/** Provenance and bookkeeping properties every collection carries. */
export const COMMON_PROPERTIES: readonly PropertyDef[] = [
  { name: 'source', type: 'text', ko: '출처', en: 'Source', required: true, maxLength: 2000 },
  { name: 'verified', type: 'boolean', ko: '위치 확인', en: 'Location verified', queryable: true },
  { name: 'data_date', type: 'date', ko: '데이터기준일자', en: 'Data date' },
  { name: 'note', type: 'text', ko: '비고', en: 'Note', maxLength: 4000 },
  { name: 'demo', type: 'boolean', ko: '예시 자료', en: 'Sample / demo data', queryable: true },
  { name: 'key', type: 'text', ko: '자료 키', en: 'Dataset key', maxLength: 200 },
];

const EMD: PropertyDef = {
  name: 'emd',
  type: 'text',
  ko: '읍면동',
  en: 'Town / district',
  queryable: true,
  maxLength: 50,
};
const NAME: PropertyDef = { name: 'name', type: 'text', ko: '이름', en: 'Name', required: true, maxLength: 200 };
const ADDRESS: PropertyDef = { name: 'address', type: 'text', ko: '주소', en: 'Address', maxLength: 300 };

/** Identifiers of the collections, fixed by the contract. */
export const COLLECTION_IDS = ['wifi', 'sculptures', 'signage', 'update-areas', 'update-lines', 'admin-areas'] as const;
/** One collection identifier. */
export type CollectionId = (typeof COLLECTION_IDS)[number];

/** Facility types of spatial-DB update projects and lines. */
export const FACILITIES = ['road', 'water', 'sewer'] as const;

/** All collections by id. */
export const COLLECTIONS: Record<CollectionId, CollectionDef> = {
  wifi: {
    id: 'wifi',
    table: 'wifi',
    ko: '공공와이파이',
    en: 'Public Wi-Fi',
    description: 'Public Wi-Fi access points (공공와이파이), IT office network team',
    geometry: 'Point',
    geometryTypes: ['Point'],
    columnType: 'geometry(Point,4326)',
    editRole: 'it',
    datetimeColumn: 'installed_date',
    searchColumns: ['name', 'address', 'detail', 'ssid'],
    titleColumn: 'name',
    properties: [
      NAME,
      ADDRESS,
      { name: 'detail', type: 'text', ko: '설치장소상세', en: 'Place detail', maxLength: 300 },
      {
        name: 'place_type',
        type: 'text',
        ko: '설치시설구분',
        en: 'Place type',
        queryable: true,
        maxLength: 50,
      },
      { name: 'ssid', type: 'text', ko: 'SSID', en: 'SSID', queryable: true, maxLength: 100 },
      { name: 'provider', type: 'text', ko: '서비스제공사', en: 'Provider', queryable: true, maxLength: 100 },
      { name: 'installed_on', type: 'month', ko: '설치연월', en: 'Installed', queryable: true },
      { name: 'mgmt_no', type: 'text', ko: '관리번호', en: 'Management no.', queryable: true, maxLength: 100 },
      { name: 'manager', type: 'text', ko: '관리기관', en: 'Managing body', maxLength: 100 },
      { name: 'phone', type: 'text', ko: '관리기관전화번호', en: 'Phone', maxLength: 50 },
      {
        name: 'plan_year',
        type: 'integer',
        ko: '구축 계획연도',
        en: 'Plan year',
        queryable: true,
        minimum: 2000,
        maximum: 2100,
      },
      EMD,
    ],
  },
  sculptures: {
    id: 'sculptures',
    table: 'sculptures',
    ko: '상징·캐릭터 조형물',
    en: 'Sculptures',
    description: 'Symbol and character sculptures (상징·캐릭터 조형물, 포수·포미), PR office',
    geometry: 'Point',
    geometryTypes: ['Point'],
    columnType: 'geometry(Point,4326)',
    editRole: 'pr',
    searchColumns: ['name', 'address', 'place'],
    titleColumn: 'name',
    properties: [
      NAME,
      {
        name: 'kind',
        type: 'text',
        ko: '종류',
        en: 'Kind',
        required: true,
        enum: ['symbol', 'character'],
        queryable: true,
      },
      { name: 'characters', type: 'text[]', ko: '캐릭터', en: 'Characters' },
      { name: 'place', type: 'text', ko: '설치 장소', en: 'Place', maxLength: 200 },
      ADDRESS,
      {
        name: 'installed_year',
        type: 'integer',
        ko: '설치연도',
        en: 'Installed (year)',
        queryable: true,
        minimum: 1900,
        maximum: 2100,
      },
      EMD,
    ],
  },
  signage: {
    id: 'signage',
    table: 'signage',
    ko: '전광판·홍보판·스마트 게시판',
    en: 'Digital signage',
    description: 'Digital signage: LED boards, backlit boards, smart bulletin boards, PR office',
    geometry: 'Point',
    geometryTypes: ['Point'],
    columnType: 'geometry(Point,4326)',
    editRole: 'pr',
    searchColumns: ['name', 'address', 'place'],
    titleColumn: 'name',
    allowOutsideCity: true,
    properties: [
      NAME,
      {
        name: 'kind',
        type: 'text',
        ko: '종류',
        en: 'Kind',
        required: true,
        enum: ['led', 'backlit', 'smart-board', 'other'],
        queryable: true,
      },
      { name: 'place', type: 'text', ko: '설치 장소', en: 'Place', maxLength: 200 },
      ADDRESS,
      { name: 'units', type: 'integer', ko: '수량', en: 'Units', minimum: 0, maximum: 10000 },
      { name: 'size', type: 'text', ko: '규격', en: 'Size', maxLength: 100 },
      { name: 'content', type: 'text', ko: '표출 내용', en: 'Shows', maxLength: 500 },
      EMD,
    ],
  },
  'update-areas': {
    id: 'update-areas',
    table: 'update_areas',
    ko: '공간정보 DB 갱신 사업',
    en: 'Spatial-DB update projects',
    description: 'Spatial-DB update projects (공간정보 DB 갱신 사업): road, water, sewer, IT office spatial team',
    geometry: 'Polygon',
    geometryTypes: ['Polygon', 'MultiPolygon'],
    columnType: 'geometry(MultiPolygon,4326)',
    editRole: 'gis',
    searchColumns: ['name', 'region'],
    titleColumn: 'name',
    properties: [
      NAME,
      {
        name: 'facility',
        type: 'text',
        ko: '시설 구분',
        en: 'Facility',
        required: true,
        enum: FACILITIES,
        queryable: true,
      },
      {
        name: 'year',
        type: 'integer',
        ko: '사업연도',
        en: 'Year',
        required: true,
        queryable: true,
        minimum: 2000,
        maximum: 2100,
      },
      { name: 'region', type: 'text', ko: '사업 지역', en: 'Region', maxLength: 200 },
      { name: 'target_km', type: 'number', ko: '목표 연장(km)', en: 'Target (km)', minimum: 0, maximum: 100000 },
      { name: 'budget_krw', type: 'integer', ko: '사업비(원)', en: 'Budget (KRW)', minimum: 0 },
      {
        name: 'status',
        type: 'text',
        ko: '진행 상태',
        en: 'Status',
        required: true,
        enum: ['planned', 'in-progress', 'completed'],
        queryable: true,
      },
      { name: 'schedule', type: 'text', ko: '추진 일정', en: 'Schedule', maxLength: 500 },
    ],
  },
  'update-lines': {
    id: 'update-lines',
    table: 'update_lines',
    ko: '갱신 시설물 관로·도로',
    en: 'Surveyed facility lines',
    description: 'Facility lines surveyed and updated under a project',
    geometry: 'LineString',
    geometryTypes: ['LineString', 'MultiLineString'],
    columnType: 'geometry(MultiLineString,4326)',
    editRole: 'gis',
    datetimeColumn: 'surveyed_on',
    searchColumns: ['name'],
    titleColumn: 'name',
    properties: [
      { name: 'name', type: 'text', ko: '이름', en: 'Name', maxLength: 200 },
      {
        name: 'facility',
        type: 'text',
        ko: '시설 구분',
        en: 'Facility',
        required: true,
        enum: FACILITIES,
        queryable: true,
      },
      { name: 'area_id', type: 'integer', ko: '사업 ID', en: 'Project id', queryable: true, minimum: 1 },
      { name: 'surveyed_on', type: 'date', ko: '조사일', en: 'Surveyed on' },
      { name: 'length_m', type: 'number', ko: '연장(m)', en: 'Length (m)', readOnly: true },
      { name: 'attrs', type: 'json', ko: '원본 속성', en: 'Original attributes' },
    ],
  },
  'admin-areas': {
    id: 'admin-areas',
    table: 'admin_areas',
    ko: '읍면동 경계',
    en: 'Towns and districts (읍면동)',
    description: '읍면동 boundaries',
    geometry: 'Polygon',
    geometryTypes: ['Polygon', 'MultiPolygon'],
    columnType: 'geometry(MultiPolygon,4326)',
    editRole: 'gis',
    searchColumns: ['name_ko', 'name_en'],
    titleColumn: 'name_ko',
    properties: [
      { name: 'code', type: 'text', ko: '행정구역코드', en: 'Code', required: true, queryable: true, maxLength: 20 },
      { name: 'name_ko', type: 'text', ko: '이름', en: 'Korean name', required: true, queryable: true, maxLength: 50 },
      { name: 'name_en', type: 'text', ko: '영문 이름', en: 'English name', queryable: true, maxLength: 80 },
      { name: 'base_year', type: 'integer', ko: '기준연도', en: 'Base year', minimum: 1900, maximum: 2100 },
    ],
  },
};

/** The collection with this id, or undefined. */
export function getCollection(id: string): CollectionDef | undefined {
  // Own keys only: `__proto__`, `toString` and friends are not collections.
  return Object.hasOwn(COLLECTIONS, id) ? (COLLECTIONS as Record<string, CollectionDef>)[id] : undefined;
}

/** All properties of a collection, its own followed by the common provenance ones. */
export function allProperties(def: CollectionDef): PropertyDef[] {
  return [...def.properties, ...COMMON_PROPERTIES];
}

/** Properties stored in the collection's table and accepted on input (everything but read-only ones). */
export function writableColumns(def: CollectionDef): PropertyDef[] {
  return allProperties(def).filter((p) => !p.readOnly);
}

/** Whether a role may edit a collection. */
export function canEdit(role: Role, def: CollectionDef): boolean {
  return role === 'admin' || role === def.editRole;
}

/** The city's extent (lon/lat) with a small margin, from the 2018 census boundaries. */
export const CITY_BBOX: readonly [number, number, number, number] = [126.5, 37.57, 126.82, 37.8];
