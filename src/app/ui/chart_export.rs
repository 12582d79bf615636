//! Saving a chart as an SVG or PNG file. The page's SVG is drawn with CSS classes (the light or
//! dark theme); a file must stand alone, so the copy gets each element's computed style inline,
//! a background, and the chart's title and legend above the plot. This is DOM plumbing (cloning,
//! computed styles, drawing an image on a canvas), so it is a few lines of JavaScript.

use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
const PROPS = ['fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-opacity', 'stroke-dasharray',
  'stroke-linecap', 'stroke-linejoin', 'font-size', 'font-family', 'font-weight', 'font-style',
  'opacity', 'paint-order', 'text-anchor', 'display'];
const NS = 'http://www.w3.org/2000/svg';
const HEAD = 46;

function standalone(figure) {
  const svg = figure.querySelector('svg');
  if (!svg) return null;
  const copy = svg.cloneNode(true);
  const from = svg.querySelectorAll('*');
  const to = copy.querySelectorAll('*');
  for (let i = 0; i < from.length; i++) {
    const cs = getComputedStyle(from[i]);
    to[i].setAttribute('style', PROPS.map((p) => `${p}:${cs.getPropertyValue(p)}`).join(';'));
    to[i].removeAttribute('class');
  }
  const vb = svg.viewBox.baseVal;
  const [w, h] = [vb.width, vb.height + HEAD];
  const out = document.createElementNS(NS, 'svg');
  out.setAttribute('xmlns', NS);
  out.setAttribute('viewBox', `0 0 ${w} ${h}`);
  out.setAttribute('width', w);
  out.setAttribute('height', h);
  const bg = document.createElementNS(NS, 'rect');
  bg.setAttribute('width', w);
  bg.setAttribute('height', h);
  bg.setAttribute('fill', getComputedStyle(figure).backgroundColor);
  out.appendChild(bg);
  const font = getComputedStyle(figure).fontFamily;
  const text = (x, y, size, weight, colour, s) => {
    const t = document.createElementNS(NS, 'text');
    t.setAttribute('x', x);
    t.setAttribute('y', y);
    t.setAttribute('style', `font-family:${font};font-size:${size}px;font-weight:${weight};fill:${colour}`);
    t.textContent = s;
    out.appendChild(t);
  };
  const heading = figure.querySelector('h2');
  text(8, 18, 15, 650, getComputedStyle(heading).color, heading.textContent);
  let x = 8;
  for (const li of figure.querySelectorAll('.legend li')) {
    const colour = getComputedStyle(li.querySelector('.swatch')).color;
    const r = document.createElementNS(NS, 'rect');
    r.setAttribute('x', x);
    r.setAttribute('y', 32);
    r.setAttribute('width', 14);
    r.setAttribute('height', 3);
    r.setAttribute('fill', colour);
    out.appendChild(r);
    text(x + 18, 37, 11, 400, getComputedStyle(li).color, li.textContent);
    x += 30 + li.textContent.length * 6;
  }
  const plot = document.createElementNS(NS, 'g');
  plot.setAttribute('transform', `translate(0, ${HEAD})`);
  while (copy.firstChild) plot.appendChild(copy.firstChild);
  out.appendChild(plot);
  return { svg: new XMLSerializer().serializeToString(out), w, h };
}

function offer(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

export function save_chart(figure, name, png) {
  const s = standalone(figure);
  if (!s) return;
  const svgBlob = new Blob([s.svg], { type: 'image/svg+xml' });
  if (!png) { offer(svgBlob, `${name}.svg`); return; }
  const img = new Image();
  const url = URL.createObjectURL(svgBlob);
  img.onload = () => {
    const scale = 2;
    const canvas = document.createElement('canvas');
    canvas.width = s.w * scale;
    canvas.height = s.h * scale;
    const ctx = canvas.getContext('2d');
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0);
    URL.revokeObjectURL(url);
    canvas.toBlob((blob) => blob && offer(blob, `${name}.png`), 'image/png');
  };
  img.src = url;
}
"#)]
extern "C" {
    /// Offers the chart in `figure` as `{name}.svg`, or `{name}.png` (twice its size on screen).
    pub fn save_chart(figure: &web_sys::Element, name: &str, png: bool);
}
