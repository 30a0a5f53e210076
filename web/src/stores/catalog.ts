// Loads what every panel needs once: client configuration (labels, basemap, tile threshold) and layer counts.

import { LAYERS } from '../layers';
import { type ClientConfig, fetchClientConfig, fetchCount, fetchCounts } from '../lib/api';
import { app } from './app.svelte';

const FALLBACK: ClientConfig = { basemapStyleUrl: 'osm', tileThreshold: 2000, collections: [] };
let config: Promise<ClientConfig> | undefined;
let counts: Promise<void> | undefined;

/** Loads the client configuration once (basemap, threshold, labels) into `app.config`. */
export function loadConfig(): Promise<ClientConfig> {
  config ??= fetchClientConfig()
    .catch(() => FALLBACK)
    .then((c) => {
      app.config = c;
      return c;
    });
  return config;
}

/** Loads the feature count of every layer once: one `/api/collections` call, else one call per layer. */
export function loadCounts(): Promise<void> {
  counts ??= (async () => {
    let all: Record<string, number> = {};
    try {
      all = await fetchCounts();
    } catch {
      /* fall back to per-collection counts */
    }
    await Promise.all(
      LAYERS.map(async (l) => {
        app.counts[l.id] = all[l.id] ?? (await fetchCount(l.id).catch(() => undefined));
      }),
    );
  })();
  return counts;
}

let demoCounts: Promise<void> | undefined;

/** Loads once how many features of each layer are demo or sample data, for the legend's mark. */
export function loadDemoCounts(): Promise<void> {
  demoCounts ??= Promise.all(
    LAYERS.map(async (l) => {
      app.demoCounts[l.id] = await fetchCount(l.id, { demo: 'true' }).catch(() => undefined);
    }),
  ).then(() => undefined);
  return demoCounts;
}

/** Loads both the configuration and the counts. */
export async function loadCatalog(): Promise<void> {
  await Promise.all([loadConfig(), loadCounts()]);
}

/** Whether a collection is drawn from vector tiles: more features than the configured threshold. */
export function usesTiles(id: string): boolean {
  const n = app.counts[id];
  return n !== undefined && app.config !== undefined && n > app.config.tileThreshold;
}
