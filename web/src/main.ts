import { prewarm } from 'maplibre-gl';
import { mount } from 'svelte';
import 'maplibre-gl/dist/maplibre-gl.css';
import './app.css';
import App from './App.svelte';

// MapLibre's worker starts now, in parallel with the app's first render, rather than when the map is created.
prewarm();

const target = document.getElementById('app');
if (!target) throw new Error('#app missing');
export default mount(App, { target });
