import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * HEVC-coded HEIF (HEIC) decoding with libheif and libde265 compiled to WebAssembly (the
 * `libheif-js` package): sharp's prebuilt libvips reads HEIF headers but ships no HEVC decoder
 * (docs/dependencies.md says why this one). The primary image is decoded (a burst or a Live Photo
 * still carries others), grids of tiles are assembled, and libheif applies the file's rotation and
 * mirroring itself, so the pixels come out upright. Only pixels leave: no Exif, XMP or ICC block.
 *
 * Each decode runs in a worker thread of its own, ended when the pixels are out:
 * - the worker's JavaScript thread stays free for the other users' Drive calls meanwhile (a 12 MP
 *   HEIC is about a second of CPU);
 * - a WebAssembly memory grows and never shrinks, and a dropped one is freed only when V8 gets
 *   round to collecting it; ending the thread frees it at once, so a 48 MP photo's few hundred
 *   megabytes are gone before sharp starts, not at some later collection.
 * The module is compiled once per process and handed to each thread.
 */
export interface DecodedPixels {
  /** Interleaved RGB(A) rows. */
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
}

export class HeicDecodeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeicDecodeError';
  }
}

/** A decode that takes longer is abandoned (a crafted file must not hold a lane for ever). */
export const HEIC_DECODE_TIMEOUT_MS = 180_000;

/** Node's WebAssembly global (the project's TypeScript libs do not declare it). */
const wasm = (globalThis as unknown as { WebAssembly: { Module: new (bytes: Uint8Array) => object } }).WebAssembly;

let compiled: { libheifPath: string; module: object } | undefined;

/** Loaded on the first HEIC only: instances that never see one never pay for it. */
function libheifModule(): { libheifPath: string; module: object } {
  compiled ??= {
    libheifPath: require.resolve('libheif-js/libheif-wasm/libheif.js'),
    module: new wasm.Module(readFileSync(require.resolve('libheif-js/libheif-wasm/libheif.wasm'))),
  };
  return compiled;
}

type ThreadAnswer = { ok: true; width: number; height: number; channels: 3 | 4; data: Uint8Array } | { ok: false; message: string };

export async function decodeHeic(bytes: Buffer, timeoutMs = HEIC_DECODE_TIMEOUT_MS): Promise<DecodedPixels> {
  const worker = new Worker(DECODE_THREAD, { eval: true, workerData: libheifModule() });
  try {
    const answer = await new Promise<ThreadAnswer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new HeicDecodeError(`the decode took longer than ${timeoutMs} ms`)), timeoutMs);
      worker.once('message', (message: ThreadAnswer) => {
        clearTimeout(timer);
        resolve(message);
      });
      worker.once('error', (error) => {
        clearTimeout(timer);
        reject(new HeicDecodeError(`the decoder failed: ${error.message}`));
      });
      worker.once('exit', (code) => {
        clearTimeout(timer);
        reject(new HeicDecodeError(`the decoder stopped (exit code ${code})`));
      });
      worker.postMessage(bytes);
    });
    if (!answer.ok) throw new HeicDecodeError(answer.message);
    const data = Buffer.from(answer.data.buffer, answer.data.byteOffset, answer.data.byteLength);
    return { data, width: answer.width, height: answer.height, channels: answer.channels };
  } finally {
    await worker.terminate();
  }
}

/**
 * The thread's code (plain JavaScript, evaluated by the Worker): libheif-js's embind API, whose
 * functions answer errors as `{code, message}` with `code` an enum value to compare with
 * heif_error_Ok. The pixels are copied out of the WebAssembly memory, row by row (planes have a
 * stride), into a buffer that is transferred, not copied, to the caller.
 */
const DECODE_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const factory = require(workerData.libheifPath);
const failed = (heif, value) => !value || (typeof value === 'object' && 'code' in value && value.code !== heif.heif_error_Ok);
parentPort.once('message', (bytes) => {
  let heif, context, handle, image;
  try {
    heif = factory({
      instantiateWasm(imports, done) {
        const instance = new WebAssembly.Instance(workerData.module, imports);
        done(instance);
        return instance.exports;
      },
    });
    context = heif.heif_context_alloc();
    if (!context) throw new Error('libheif could not allocate a context');
    const read = heif.heif_context_read_from_memory(context, bytes);
    if (failed(heif, read)) throw new Error('not a readable HEIF file: ' + read.message);
    handle = heif.heif_js_context_get_primary_image_handle(context);
    if (failed(heif, handle)) throw new Error('no primary image: ' + (handle ? handle.message : 'none'));
    const channels = heif.heif_image_handle_has_alpha_channel(handle) ? 4 : 3;
    const chroma = channels === 4 ? heif.heif_chroma_interleaved_RGBA : heif.heif_chroma_interleaved_RGB;
    const decoded = heif.heif_js_decode_image2(handle, heif.heif_colorspace_RGB, chroma);
    if (failed(heif, decoded) || !decoded.channels) throw new Error('the HEVC data could not be decoded: ' + (decoded ? decoded.message : 'no image'));
    image = decoded.image;
    const plane = decoded.channels.find((channel) => channel.id === heif.heif_channel_interleaved);
    if (!plane) throw new Error('the decoded image has no interleaved plane');
    const row = plane.width * channels;
    const data = new Uint8Array(row * plane.height);
    for (let y = 0; y < plane.height; y += 1) data.set(plane.data.subarray(y * plane.stride, y * plane.stride + row), y * row);
    parentPort.postMessage({ ok: true, width: plane.width, height: plane.height, channels, data }, [data.buffer]);
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String((error && error.message) || error) });
  } finally {
    if (image) heif.heif_image_release(image);
    if (handle && !failed(heif, handle)) heif.heif_image_handle_release(handle);
    if (context) heif.heif_context_free(context);
  }
});
`;
