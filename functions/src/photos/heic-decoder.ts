import { readFileSync } from 'node:fs';

/**
 * HEVC-coded HEIF (HEIC) decoding with libheif and libde265 compiled to WebAssembly (the
 * `libheif-js` package): sharp's prebuilt libvips reads HEIF headers but ships no HEVC decoder
 * (docs/dependencies.md says why this one). The primary image is decoded (a burst or a Live Photo
 * still carries others), grids of tiles are assembled, and libheif applies the file's rotation and
 * mirroring itself, so the pixels come out upright. Only pixels leave: no Exif, XMP or ICC block.
 *
 * Memory: a WebAssembly memory grows and never shrinks, so each decode gets a fresh instance of
 * the (compiled once) module and drops it afterwards; a 48 MP photo does not leave its hundreds of
 * megabytes behind. The decode runs on the calling thread, synchronously: see docs/offline-work.md.
 */
export interface DecodedPixels {
  /** Interleaved RGB(A) rows: a view into the decoder's memory when its rows are packed. */
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
  /** Frees the decoder's image and context; `data` must not be read after it. Idempotent. */
  release(): void;
}

export class HeicDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeicDecodeError';
  }
}

/** The part of libheif-js's embind API used here (libheif-wasm/libheif.d.ts has it all). */
interface HeifError {
  /** An embind enum value: compare with heif_error_Ok. */
  code: unknown;
  message?: string;
}
interface HeifChannel {
  id: unknown;
  width: number;
  height: number;
  stride: number;
  data: Uint8Array;
}
/** Pointers to libheif structures, as embind wraps them. */
type Handle = object;
interface LibHeif {
  heif_context_alloc(): Handle | null;
  heif_context_free(context: Handle): void;
  heif_context_read_from_memory(context: Handle, bytes: Uint8Array): HeifError;
  heif_js_context_get_primary_image_handle(context: Handle): Handle | HeifError | null;
  heif_image_handle_has_alpha_channel(handle: Handle): number;
  heif_image_handle_release(handle: Handle): void;
  heif_js_decode_image2(handle: Handle, colorspace: unknown, chroma: unknown): { image: Handle; channels: HeifChannel[] } | HeifError | null;
  heif_image_release(image: Handle): void;
  heif_error_Ok: unknown;
  heif_colorspace_RGB: unknown;
  heif_chroma_interleaved_RGB: unknown;
  heif_chroma_interleaved_RGBA: unknown;
  heif_channel_interleaved: unknown;
}
/** Node's WebAssembly global (the project's TypeScript libs do not declare it). */
interface WasmInstance {
  exports: object;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => WasmInstance;
}
const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
type LibHeifFactory = (module: { instantiateWasm: (imports: object, done: (instance: WasmInstance) => void) => object }) => LibHeif;

let compiled: { factory: LibHeifFactory; module: object } | undefined;

/** Loaded on the first HEIC only: instances that never see one never pay for it. */
function libheif(): LibHeif {
  if (compiled === undefined) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS factory without types
    const factory = require('libheif-js/libheif-wasm/libheif.js') as LibHeifFactory;
    const module = new wasm.Module(readFileSync(require.resolve('libheif-js/libheif-wasm/libheif.wasm')));
    compiled = { factory, module };
  }
  const { factory, module } = compiled;
  return factory({
    instantiateWasm(imports, done) {
      const instance = new wasm.Instance(module, imports);
      done(instance);
      return instance.exports;
    },
  });
}

function isError(heif: LibHeif, value: unknown): value is HeifError {
  return typeof value === 'object' && value !== null && 'code' in value && (value as HeifError).code !== heif.heif_error_Ok;
}

export function decodeHeic(bytes: Buffer): DecodedPixels {
  const heif = libheif();
  const context = heif.heif_context_alloc();
  if (!context) throw new HeicDecodeError('libheif could not allocate a context');
  let handle: Handle | undefined;
  let image: Handle | undefined;
  const release = (): void => {
    if (image) heif.heif_image_release(image);
    if (handle) heif.heif_image_handle_release(handle);
    if (context) heif.heif_context_free(context);
    image = handle = undefined;
  };
  try {
    const read = heif.heif_context_read_from_memory(context, bytes);
    if (isError(heif, read)) throw new HeicDecodeError(`not a readable HEIF file: ${read.message ?? 'no message'}`);
    const primary = heif.heif_js_context_get_primary_image_handle(context);
    if (!primary || isError(heif, primary)) throw new HeicDecodeError(`no primary image: ${primary ? primary.message : 'none'}`);
    handle = primary;
    const channels = heif.heif_image_handle_has_alpha_channel(handle) ? 4 : 3;
    const chroma = channels === 4 ? heif.heif_chroma_interleaved_RGBA : heif.heif_chroma_interleaved_RGB;
    const decoded = heif.heif_js_decode_image2(handle, heif.heif_colorspace_RGB, chroma);
    if (!decoded || isError(heif, decoded) || !('channels' in decoded)) {
      throw new HeicDecodeError(`the HEVC data could not be decoded: ${decoded && 'message' in decoded ? decoded.message : 'no image'}`);
    }
    image = decoded.image;
    const plane = decoded.channels.find((channel) => channel.id === heif.heif_channel_interleaved);
    if (!plane) throw new HeicDecodeError('the decoded image has no interleaved plane');
    return { data: packedRows(plane, channels), width: plane.width, height: plane.height, channels, release };
  } catch (error) {
    release();
    throw error;
  }
}

/** The plane itself when its rows are packed (no copy of a 48 MP image), else a packed copy. */
function packedRows(plane: HeifChannel, channels: number): Buffer {
  const row = plane.width * channels;
  if (plane.stride === row) return Buffer.from(plane.data.buffer, plane.data.byteOffset, row * plane.height);
  const data = Buffer.allocUnsafe(row * plane.height);
  for (let y = 0; y < plane.height; y += 1) data.set(plane.data.subarray(y * plane.stride, y * plane.stride + row), y * row);
  return data;
}
