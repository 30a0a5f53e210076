// MapLibre 6 loads its worker from `maplibre-gl-worker.mjs` beside its own module; once bundled that file
// is elsewhere, so the build emits it as an asset and tells MapLibre where it is.
import { setWorkerUrl } from 'maplibre-gl';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';

setWorkerUrl(workerUrl);

/** The URL the MapLibre worker is loaded from. */
export const MAPLIBRE_WORKER_URL: string = workerUrl;
