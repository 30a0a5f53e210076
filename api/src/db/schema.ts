import type { ColumnType, Generated } from 'kysely';

/** Geometry columns are written and read through PostGIS functions in `sql`, never as raw values. */
type Geometry = ColumnType<unknown, unknown, unknown>;
type Stamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** Columns every collection table has. */
export interface FeatureRowBase {
  id: Generated<number>;
  source: string;
  verified: Generated<boolean>;
  data_date: string | null;
  note: string | null;
  demo: Generated<boolean>;
  key: string | null;
  version: Generated<number>;
  created_at: Generated<Stamp>;
  updated_at: Generated<Stamp>;
  geom: Geometry;
}

export interface WifiTable extends FeatureRowBase {
  name: string;
  address: string | null;
  detail: string | null;
  place_type: string | null;
  ssid: string | null;
  provider: string | null;
  installed_on: string | null;
  installed_date: ColumnType<string | null, never, never>;
  mgmt_no: string | null;
  manager: string | null;
  phone: string | null;
  plan_year: number | null;
  emd: string | null;
}

export interface SculpturesTable extends FeatureRowBase {
  name: string;
  kind: 'symbol' | 'character';
  characters: Generated<string[]>;
  place: string | null;
  address: string | null;
  installed_year: number | null;
  emd: string | null;
}

export interface SignageTable extends FeatureRowBase {
  name: string;
  kind: 'led' | 'backlit' | 'smart-board' | 'other';
  place: string | null;
  address: string | null;
  units: Generated<number>;
  size: string | null;
  content: string | null;
  emd: string | null;
}

export interface UpdateAreasTable extends FeatureRowBase {
  name: string;
  facility: 'road' | 'water' | 'sewer';
  year: number;
  region: string | null;
  target_km: number | null;
  budget_krw: number | null;
  status: Generated<'planned' | 'in-progress' | 'completed'>;
  schedule: string | null;
}

export interface UpdateLinesTable extends FeatureRowBase {
  name: string | null;
  facility: 'road' | 'water' | 'sewer';
  area_id: number | null;
  surveyed_on: string | null;
  length_m: ColumnType<number, never, never>;
  attrs: unknown;
}

export interface AdminAreasTable extends FeatureRowBase {
  code: string;
  name_ko: string;
  name_en: string | null;
  base_year: number | null;
}

export interface UsersTable {
  id: Generated<number>;
  username: string;
  display_name: string | null;
  role: 'admin' | 'gis' | 'pr' | 'it';
  password_hash: string;
  disabled: Generated<boolean>;
  created_at: Generated<Stamp>;
  updated_at: Generated<Stamp>;
}

export interface SessionsTable {
  id: string;
  user_id: number;
  created_at: Generated<Stamp>;
  expires_at: Stamp;
  revoked_at: Stamp | null;
  ip: string | null;
  user_agent: string | null;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Generated<Stamp>;
  user_id: number | null;
  username: string | null;
  action: string;
  collection: string | null;
  feature_id: number | null;
  before: unknown;
  after: unknown;
  detail: unknown;
}

/** A citizen's fault report on an asset (migration 008). */
export interface FaultReportsTable {
  id: Generated<number>;
  collection: string;
  feature_id: number;
  category: string;
  message: string;
  contact: string | null;
  status: Generated<'new' | 'in-progress' | 'resolved'>;
  geom: Geometry;
  created_at: Generated<Stamp>;
  updated_at: Generated<Stamp>;
  updated_by: number | null;
}

/** Dataset keys the seeder has loaded once (never loaded again, even after a delete). */
export interface SeedLedgerTable {
  key: string;
  collection: string;
  seeded_at: Generated<Stamp>;
}

/** Sign-in and report attempts counted per key (migration 012). */
export interface RateLimitsTable {
  scope: string;
  /** Keyed hash of the address or user name, never the raw value. */
  key_hash: string;
  hits: number;
  reset_at: Stamp;
}

/** Secrets the server creates once and keeps (the rate-limit hash key). */
export interface AppSecretsTable {
  name: string;
  value: string;
}

/** The database as Kysely sees it. */
export interface Database {
  wifi: WifiTable;
  sculptures: SculpturesTable;
  signage: SignageTable;
  update_areas: UpdateAreasTable;
  update_lines: UpdateLinesTable;
  admin_areas: AdminAreasTable;
  users: UsersTable;
  sessions: SessionsTable;
  audit_log: AuditLogTable;
  seed_ledger: SeedLedgerTable;
  fault_reports: FaultReportsTable;
  rate_limits: RateLimitsTable;
  app_secrets: AppSecretsTable;
}

/** Names of the collection tables. */
export type FeatureTable = 'wifi' | 'sculptures' | 'signage' | 'update_areas' | 'update_lines' | 'admin_areas';
