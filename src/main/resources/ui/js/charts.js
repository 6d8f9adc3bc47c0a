// Charts drawn as SVG in code: nothing fetched from elsewhere, text always as text.
import { h } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
/** Colours for the groups of a split series, the rest summed as "other". */
export const PALETTE = ['#2156c9', '#e07b00', '#13734b', '#8e44ad', '#c0392b', '#16a2b8'];

export function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  el.append(...children);
  return el;
}

/**
 * Bars, one per bucket, stacked by layer when there are several.
 * layers: [{ name, color, value(bucket) }]; format: a value as text; label(bucket): the bucket's name.
 */
export function barChart({ id, title, buckets, layers, format, label, empty }) {
  const total = buckets.reduce((sum, b) => sum + layers.reduce((s, l) => s + l.value(b), 0), 0);
  const caption = h('figcaption', null, h('strong', null, title), ' ', h('span', { class: 'total', 'data-total': id }, format(total)));
  if (!total) {
    return h('figure', { class: 'chart-box', id: 'chart-' + id }, caption, h('p', { class: 'empty' }, empty));
  }
  const width = 600, height = 140, slot = width / buckets.length;
  const max = Math.max(...buckets.map(b => layers.reduce((s, l) => s + l.value(b), 0)), 1e-12);
  const bars = [];
  buckets.forEach((bucket, i) => {
    let y = height;
    const parts = layers.map(l => [l, l.value(bucket)]).filter(([, v]) => v > 0);
    const tip = label(bucket) + ': ' + parts.map(([l, v]) => (layers.length > 1 ? l.name + ' ' : '') + format(v)).join(', ');
    for (const [layer, value] of parts) {
      const barHeight = Math.max(1.5, value / max * height);
      y -= barHeight;
      bars.push(svg('rect', { x: i * slot + 0.5, y, width: Math.max(1, slot - 1), height: barHeight, fill: layer.color, class: 'bar' },
        svg('title', {}, tip)));
    }
  });
  const legend = layers.length > 1
    ? h('ul', { class: 'legend' }, layers.map(l => h('li', null, h('span', { class: 'swatch', 'data-color': l.color }), l.name)))
    : null;
  if (legend) legend.querySelectorAll('.swatch').forEach(s => { s.style.background = s.dataset.color; });
  return h('figure', { class: 'chart-box', id: 'chart-' + id }, caption,
    svg('svg', { viewBox: `0 0 ${width} ${height + 18}`, class: 'chart', role: 'img', 'aria-label': title + ', ' + format(total) + ' in all' },
      ...bars,
      svg('line', { x1: 0, y1: height, x2: width, y2: height, class: 'base' }),
      svg('text', { x: 0, y: height + 14, class: 'axis' }, label(buckets[0])),
      svg('text', { x: width, y: height + 14, class: 'axis', 'text-anchor': 'end' }, label(buckets[buckets.length - 1])),
      svg('text', { x: 2, y: 10, class: 'axis' }, 'max ' + format(max))),
    legend);
}

/** A horizontal bar inside a table cell, its length against the largest value shown. */
export function meter(value, max, text) {
  const wrap = h('span', { class: 'meter' }, h('span', { class: 'fill' }), h('span', { class: 'meter-text' }, text));
  wrap.firstChild.style.width = (max > 0 && value > 0 ? Math.max(2, Math.round(value / max * 100)) : 0) + '%';
  return wrap;
}
