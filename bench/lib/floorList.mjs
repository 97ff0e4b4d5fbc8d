// The floor for a scrolling table on this machine: the same 10,000 node rows in the least a browser can be asked to
// do — a hand-written virtual list in plain DOM (no framework, no table library): a fixed pool of absolutely placed
// rows whose text nodes get new data when the list moves. What it drops is what Chromium itself drops here (its
// collector, its compositor), so a page that drops no more than this has nothing left of its own to remove.
// The classes are the ones measureScroll looks for, so both lists are scrolled by the same loop.

/** A page with `n` node records in the Inventory's shape and columns, drawn as a minimal virtual list. */
export function floorListHtml(n) {
  return `<!doctype html><html><head><meta charset="utf-8"><style>
body { margin: 0; font: 14px/1.5714 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif; }
.ant-table-tbody-virtual-holder { height: 600px; width: 1200px; overflow: auto; position: relative; margin: 280px 0 0 216px; }
.spacer { position: relative; width: 1800px; }
.ant-table-row { position: absolute; left: 0; top: 0; display: flex; width: 1800px; height: 39px; box-sizing: border-box; border-bottom: 1px solid #f0f0f0; background: #fff; }
.ant-table-row > div { padding: 8px; box-sizing: border-box; overflow: hidden; white-space: nowrap; }
</style></head><body>
<div class="ant-table-tbody-virtual"><div class="ant-table-tbody-virtual-holder"><div class="spacer"></div></div></div>
<script>
const N = ${Number(n)}, H = 39, WIDTHS = [48, 160, 160, 100, 110, 70, 140, 200, 220, 240, 90, 262];
const pad = (v, w) => String(v).padStart(w, '0');
const nodes = Array.from({ length: N }, (_, i) => {
  const ip = '10.' + ((i >> 16) & 255) + '.' + ((i >> 8) & 255) + '.' + (i & 255);
  return { name: 'gpu' + pad(i + 1, 5), hostname: ip, type: 'gpu', rack: 'r' + pad(Math.floor(i / 40) + 1, 3), u: (i % 40) + 1, uHeight: 1,
    groups: ['gpu', 'row' + (Math.floor(i / 400) + 1)], gpuCount: 8, gpuModel: 'H100', labels: {},
    ssh: { host: ip, port: 22, user: 'root', credential: null }, bmc: { host: '10.200.' + ((i >> 8) & 255) + '.' + (i & 255), port: 623, protocol: 'ipmi', credential: null } };
});
const cells = (n) => [n.name, n.hostname, 'GPU', n.rack, String(n.u), n.gpuCount + ' × ' + n.gpuModel, n.groups.join(', '),
  n.ssh.user + '@' + n.ssh.host + ':' + n.ssh.port, n.bmc.protocol + ' ' + n.bmc.host + ':' + n.bmc.port, '', ''];
const holder = document.querySelector('.ant-table-tbody-virtual-holder');
const spacer = holder.firstElementChild;
spacer.style.height = N * H + 'px';
const pool = Array.from({ length: Math.ceil(600 / H) + 2 }, () => {
  const row = document.createElement('div');
  row.className = 'ant-table-row';
  const texts = WIDTHS.map((w, j) => {
    const cell = row.appendChild(document.createElement('div'));
    cell.style.width = w + 'px';
    if (j === 0) { cell.appendChild(document.createElement('input')).type = 'checkbox'; return null; }
    return cell.appendChild(document.createTextNode(''));
  }).slice(1);
  spacer.appendChild(row);
  return { row, texts };
});
function draw() {
  const first = Math.floor(holder.scrollTop / H);
  pool.forEach(({ row, texts }, k) => {
    const i = first + k;
    row.style.display = i < N ? '' : 'none';
    if (i >= N) return;
    row.style.transform = 'translateY(' + i * H + 'px)';
    cells(nodes[i]).forEach((t, j) => { if (texts[j].data !== t) texts[j].data = t; });
  });
}
holder.addEventListener('scroll', draw, { passive: true });
draw();
</script></body></html>`;
}
