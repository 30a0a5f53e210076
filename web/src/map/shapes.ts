import type { Map as MlMap } from 'maplibre-gl';
import { LAYERS, type LayerStyle } from '../layers';

/** Draws a layer's shape (white-edged) on a canvas; used for map icons and legend swatches alike. */
export function drawShape(ctx: CanvasRenderingContext2D, style: LayerStyle, size: number): void {
  const r = size / 2 - 2;
  const c = size / 2;
  ctx.fillStyle = style.color;
  ctx.strokeStyle = '#ffffff';
  ctx.lineWidth = 2;
  ctx.beginPath();
  if (style.shape === 'triangle') {
    ctx.moveTo(c, c - r);
    ctx.lineTo(c + r, c + r * 0.8);
    ctx.lineTo(c - r, c + r * 0.8);
    ctx.closePath();
  } else if (style.shape === 'square') {
    ctx.rect(c - r * 0.8, c - r * 0.8, r * 1.6, r * 1.6);
  } else if (style.shape === 'diamond') {
    ctx.moveTo(c, c - r);
    ctx.lineTo(c + r, c);
    ctx.lineTo(c, c + r);
    ctx.lineTo(c - r, c);
    ctx.closePath();
  } else {
    ctx.arc(c, c, r * 0.85, 0, Math.PI * 2);
  }
  ctx.fill();
  ctx.stroke();
}

/** Registers the icon `shape-<layer id>` when the map asks for it (`styleimagemissing`). */
export function addShapeImage(map: MlMap, imageId: string): void {
  const style = LAYERS.find((l) => `shape-${l.id}` === imageId);
  if (!style || map.hasImage(imageId)) return;
  const size = 22;
  const ratio = 2;
  {
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = size * ratio;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.scale(ratio, ratio);
    drawShape(ctx, style, size);
    const data = ctx.getImageData(0, 0, size * ratio, size * ratio);
    map.addImage(
      `shape-${style.id}`,
      { width: data.width, height: data.height, data: new Uint8Array(data.data.buffer) },
      { pixelRatio: ratio },
    );
  }
}
