// Selecting a feature: fetches it, keeps it in the app state and optionally moves the map to it.
import bboxOf from '@turf/bbox';
import { fetchFeature } from '../lib/api';
import { announce, app, featureTitle, t } from './app.svelte';
import { mapBus } from './mapbus';

let controller: AbortController | undefined;

/** Selects a feature (or clears the selection with `undefined`); `fly` moves the map to it. */
export async function select(ref: { collection: string; id: string | number } | undefined, fly = false): Promise<void> {
  controller?.abort();
  if (!ref) {
    app.selected = undefined;
    app.selectedFeature = undefined;
    return;
  }
  app.selected = { collection: ref.collection, id: ref.id };
  controller = new AbortController();
  try {
    const f = await fetchFeature(ref.collection, ref.id, controller.signal);
    if (app.selected?.collection !== ref.collection || String(app.selected.id) !== String(ref.id)) return;
    app.selectedFeature = f;
    announce(t('selected', { name: featureTitle(ref.collection, f) }));
    if (fly && f.geometry) {
      const b = bboxOf(f) as [number, number, number, number];
      mapBus.commands?.fitBounds(b, 16);
    }
  } catch (err) {
    if ((err as Error).name !== 'AbortError') {
      app.selectedFeature = undefined;
      announce(`${t('loadError')}: ${(err as Error).message}`);
    }
  }
}
