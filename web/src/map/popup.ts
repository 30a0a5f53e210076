// Popup content built from DOM nodes with textContent only: names like `<img src=x onerror=…>` stay text.

/** What a popup shows about a feature. */
export interface PopupInfo {
  title: string;
  collection: string;
  marks: string[];
  detailLabel: string;
  closeLabel: string;
  onDetail: () => void;
}

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The popup's content element. */
export function popupContent(info: PopupInfo): HTMLElement {
  const root = el('div', 'gm-popup');
  root.append(el('div', 'gm-popup-collection', info.collection), el('strong', 'gm-popup-title', info.title));
  for (const m of info.marks) root.append(el('span', 'gm-mark', m));
  const btn = el('button', 'gm-popup-detail', info.detailLabel);
  btn.type = 'button';
  btn.addEventListener('click', info.onDetail);
  root.append(btn);
  return root;
}
