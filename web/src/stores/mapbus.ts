// Commands panels send to the map without touching MapLibre: MapView registers the implementations.

/** A click on the map (lon/lat). */
export type MapClick = { lng: number; lat: number };

/** What MapView offers to the rest of the app. */
export interface MapCommands {
  /** Moves the camera to show a lon/lat box. */
  fitBounds(bbox: [number, number, number, number], maxZoom?: number): void;
  /** Moves the camera to a point. */
  flyTo(lng: number, lat: number, zoom?: number): void;
  /** Current bounds of the view (west, south, east, north). */
  bounds(): [number, number, number, number];
  /** Current centre of the view. */
  centre(): MapClick;
}

/** The registered map commands (absent until the map is ready) and the current click handler. */
export const mapBus: {
  commands?: MapCommands;
  /** When set, a map click goes here instead of selecting a feature (point picking, measuring). */
  clickHandler?: (click: MapClick) => void;
} = {};
