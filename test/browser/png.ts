import { inflateSync } from 'node:zlib';

/**
 * Just enough PNG decoding to tell a blank screenshot from a drawn one: 8-bit RGB/RGBA,
 * non-interlaced (what Chromium's screenshots are). Returns how many pixels are not near-white
 * and how many distinct (quantised) colours the image has.
 */
export function inkOf(png: Buffer): { width: number; height: number; ink: number; colours: number } {
  if (png.readUInt32BE(0) !== 0x89504e47) throw new Error('not a PNG');
  let off = 8;
  let width = 0;
  let height = 0;
  let channels = 0;
  const idat: Buffer[] = [];
  while (off < png.length) {
    const len = png.readUInt32BE(off);
    const type = png.toString('latin1', off + 4, off + 8);
    const data = png.subarray(off + 8, off + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      const [depth, colour, , , interlace] = [data[8], data[9], data[10], data[11], data[12]];
      if (depth !== 8 || interlace !== 0 || (colour !== 2 && colour !== 6)) throw new Error(`unsupported PNG (depth ${depth}, colour type ${colour}, interlace ${interlace})`);
      channels = colour === 6 ? 4 : 3;
    } else if (type === 'IDAT') idat.push(data);
    off += 12 + len;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  const cur = Buffer.alloc(stride);
  const prev = Buffer.alloc(stride);
  let ink = 0;
  const colours = new Set<number>();
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)]!;
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? cur[i - channels]! : 0;
      const b = prev[i]!;
      const c = i >= channels ? prev[i - channels]! : 0;
      const x = line[i]!;
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      const paeth = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      cur[i] = (x + [0, a, b, (a + b) >> 1, paeth][filter]!) & 0xff;
    }
    for (let i = 0; i < stride; i += channels) {
      const [r, g, bl] = [cur[i]!, cur[i + 1]!, cur[i + 2]!];
      if (r < 235 || g < 235 || bl < 235) ink++;
      colours.add(((r >> 4) << 8) | ((g >> 4) << 4) | (bl >> 4));
    }
    cur.copy(prev);
  }
  return { width, height, ink, colours: colours.size };
}
