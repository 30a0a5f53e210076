// Loads what every panel needs once: client configuration (labels, basemap, tile threshold) and layer counts.
import { fetchClientConfig, fetchCount } from '../lib/api';
import { LAYERS } from '../layers';
import { app } from './app.svelte';

let loading: Promise<void> | undefined;

/** Loads the client configuration and feature counts (once); resolves when both are in `app`. */
export function loadCatalog(): Promise<void> {
  loading ??= (async () => {
    const [config] = await Promise.all([
      fetchClientConfig().catch(() => ({ basemapStyleUrl: 'osm', tileThreshold: 2000, collections: [] })),
      ...LAYERS.map(async (l) => {
        try {
          app.counts[l.id] = await fetchCount(l.id);
        } catch {
          app.counts[l.id] = undefined;
        }
      }),
    ]);
    app.config = config;
  })();
  return loading;
}

/** Whether a collection is drawn from vector tiles: more features than the configured threshold. */
export function usesTiles(id: string): boolean {
  const n = app.counts[id];
  return n !== undefined && app.config !== undefined && n > app.config.tileThreshold;
}
