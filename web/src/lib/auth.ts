// Staff session and editing calls of the web app: sign-in, writes with If-Match, history, fault reports.
// Kept apart from api.ts (read calls); every write sends JSON with the session cookie (same origin).
import type { Geometry } from 'geojson';
import { writable } from 'svelte/store';
import { type CollectionDef, canEdit, getCollection, type Role } from '../../../api/src/collections';
import type { ApiFeature } from './api';

/** The signed-in staff member. */
export interface StaffUser {
  id: number;
  username: string;
  role: Role;
}

/** One field error of a problem+json answer. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** A failed call: status, detail and the fields the server named; `body` holds the whole problem. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly errors: FieldProblem[] = [],
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** The current staff session (`undefined` when signed out, `null` before the first check). */
export const session = writable<StaffUser | undefined | null>(null);

async function call<T>(path: string, init: RequestInit = {}): Promise<{ body: T; res: Response }> {
  const res = await fetch(path, { credentials: 'same-origin', ...init });
  if (!res.ok) {
    let body: Record<string, unknown> = {};
    try {
      body = (await res.json()) as Record<string, unknown>;
    } catch {
      /* not problem+json */
    }
    if (res.status === 401 && !path.startsWith('/api/auth/')) session.set(undefined);
    throw new ApiProblem(
      res.status,
      String(body.detail ?? res.statusText),
      (body.errors as FieldProblem[] | undefined) ?? [],
      body,
    );
  }
  const text = res.status === 204 ? '' : await res.text();
  return { body: (text ? JSON.parse(text) : undefined) as T, res };
}

const jsonInit = (method: string, body: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method,
  headers: { 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

let asking: Promise<StaffUser | undefined> | undefined;

/** Asks the server who is signed in; updates `session`. Calls made while one is on its way share its answer. */
export function refreshSession(): Promise<StaffUser | undefined> {
  asking ??= (async () => {
    try {
      const { body } = await call<{ user: StaffUser }>('/api/auth/me');
      session.set(body.user);
      return body.user;
    } catch {
      session.set(undefined);
      return undefined;
    } finally {
      asking = undefined;
    }
  })();
  return asking;
}

/** Signs in; throws ApiProblem (401 wrong credentials, 429 too many attempts). */
export async function login(username: string, password: string): Promise<StaffUser> {
  const { body } = await call<{ user: StaffUser }>('/api/auth/login', jsonInit('POST', { username, password }));
  session.set(body.user);
  return body.user;
}

/** Signs out (the server revokes the session). */
export async function logout(): Promise<void> {
  try {
    await call('/api/auth/logout', { method: 'POST' });
  } finally {
    session.set(undefined);
  }
}

/** Whether a user may edit a collection (same rule as the server: its role or admin). */
export function mayEdit(user: StaffUser | undefined | null, collection: string): boolean {
  const def = getCollection(collection);
  return Boolean(user && def && canEdit(user.role, def));
}

/** The collection definition shared with the server (labels, types, limits, roles). */
export function collectionDef(collection: string): CollectionDef | undefined {
  return getCollection(collection);
}

/** A feature with the ETag of the version loaded (what an edit must send as If-Match). */
export interface EditableFeature {
  feature: ApiFeature;
  etag: string;
}

const itemPath = (collection: string, id?: string | number) =>
  `/api/collections/${encodeURIComponent(collection)}/items${id === undefined ? '' : `/${encodeURIComponent(String(id))}`}`;

async function withEtag(p: Promise<{ body: ApiFeature; res: Response }>): Promise<EditableFeature> {
  const { body, res } = await p;
  return { feature: body, etag: res.headers.get('ETag') ?? '' };
}

/** Loads a feature for editing (fresh, with its ETag). */
export function loadForEdit(collection: string, id: string | number): Promise<EditableFeature> {
  return withEtag(call<ApiFeature>(itemPath(collection, id), { cache: 'no-store' }));
}

/** Adds a feature (201); returns it with its ETag. */
export function createFeature(
  collection: string,
  geometry: Geometry,
  properties: Record<string, unknown>,
): Promise<EditableFeature> {
  return withEtag(call<ApiFeature>(itemPath(collection), jsonInit('POST', { type: 'Feature', geometry, properties })));
}

/** Changes some properties and/or the geometry (JSON merge patch) of the version `etag`; 412 when it is stale. */
export function patchFeature(
  collection: string,
  id: string | number,
  etag: string,
  patch: { properties?: Record<string, unknown>; geometry?: Geometry },
): Promise<EditableFeature> {
  return withEtag(
    call<ApiFeature>(
      itemPath(collection, id),
      jsonInit('PATCH', patch, { 'If-Match': etag, 'Content-Type': 'application/merge-patch+json' }),
    ),
  );
}

/** Deletes the version `etag` of a feature; 412 when it is stale. */
export async function deleteFeature(collection: string, id: string | number, etag: string): Promise<void> {
  await call(itemPath(collection, id), { method: 'DELETE', headers: { 'If-Match': etag } });
}

/** One audit entry (a change of a feature). */
export interface HistoryEntry {
  id: number;
  at: string;
  username: string | null;
  action: string;
  before: ApiFeature | null;
  after: ApiFeature | null;
  detail: unknown;
}

/** A feature's changes, newest first (staff only). */
export async function fetchHistory(collection: string, id: string | number): Promise<HistoryEntry[]> {
  const { body } = await call<{ entries: HistoryEntry[] }>(`${itemPath(collection, id)}/history?limit=50`, {
    cache: 'no-store',
  });
  return body.entries;
}

/** Kinds of fault a citizen can report (as the server accepts them). */
export const REPORT_CATEGORIES = [
  'not-working',
  'damaged',
  'dirty',
  'wrong-location',
  'wrong-information',
  'other',
] as const;
/** States of a report in order. */
export const REPORT_STATUSES = ['new', 'in-progress', 'resolved'] as const;

/** A fault report as staff see it. */
export interface FaultReport {
  id: number;
  collection: string;
  featureId: number;
  category: string;
  message: string;
  contact: string | null;
  status: (typeof REPORT_STATUSES)[number];
  lon: number;
  lat: number;
  createdAt: string;
  updatedAt: string;
}

/** Files a public fault report on a feature (no account; 429 when this address sent too many). */
export async function fileReport(input: {
  collection: string;
  feature_id: number;
  category: string;
  message: string;
  contact?: string;
}): Promise<{ id: number }> {
  const { body } = await call<{ id: number }>('/api/reports', jsonInit('POST', input));
  return body;
}

/** Reports on the collections the signed-in role handles, newest first. */
export async function fetchReports(status?: string): Promise<FaultReport[]> {
  const q = status ? `?status=${encodeURIComponent(status)}` : '';
  const { body } = await call<{ reports: FaultReport[] }>(`/api/reports${q}`, { cache: 'no-store' });
  return body.reports;
}

/** Moves a report to its next status. */
export async function moveReport(id: number, status: string): Promise<FaultReport> {
  const { body } = await call<FaultReport>(`/api/reports/${id}`, jsonInit('PATCH', { status }));
  return body;
}

/** URL of the open reports as GeoJSON (no personal data), for a map layer. */
export const OPEN_REPORTS_URL = '/api/reports/open.geojson';
