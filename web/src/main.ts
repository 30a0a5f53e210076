import { prewarm } from 'maplibre-gl';
import { mount } from 'svelte';
import 'maplibre-gl/dist/maplibre-gl.css';
import './app.css';
import App from './App.svelte';
import { registerPageFetch } from './map/dataLayers';

// MapLibre's worker starts now, in parallel with the app's first render, rather than when the map is created.
prewarm();
// the map's GeoJSON comes through the page, which has it from index.html's preloads
registerPageFetch();

const target = document.getElementById('app');
if (!target) throw new Error('#app missing');
export default mount(App, { target });
