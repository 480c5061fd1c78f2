import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

/**
 * HEVC-coded HEIF (HEIC) decoding with libheif and libde265 compiled to WebAssembly (the
 * `libheif-js` package): sharp's prebuilt libvips reads HEIF headers but ships no HEVC decoder
 * (docs/dependencies.md says why this one). The primary image is decoded (a burst or a Live Photo
 * still carries others), grids of tiles are assembled, and libheif applies the file's rotation and
 * mirroring itself, so the pixels come out upright. Only pixels leave: no Exif, XMP or ICC block.
 *
 * Each decode runs in a worker thread of its own, which also fits the image into
 * `maxDimension` x `maxDimension` with sharp, reading the decoder's memory in place, and is ended
 * when the (small) result is out:
 * - the worker's JavaScript thread stays free for the other users' Drive calls meanwhile (a 12 MP
 *   HEIC is about a second of CPU);
 * - a WebAssembly memory grows and never shrinks, and a dropped one (like any large buffer) is
 *   freed only when V8 gets round to collecting it; ending the thread frees it at once, and no
 *   full-size copy of the pixels ever exists, so a 48 MP photo's few hundred megabytes are gone
 *   when the next photo starts, not at some later collection.
 * The module is compiled once per process and handed to each thread.
 */
export interface DecodedPixels {
  /** Interleaved RGB(A) rows. */
  data: Buffer;
  width: number;
  height: number;
  channels: 3 | 4;
}

/**
 * `fileAtFault`: libheif read the file and said what is wrong with it (the same every time);
 * otherwise the thread crashed, exited or ran out of time, which a busy or short-of-memory
 * instance can cause as well as the file.
 */
export class HeicDecodeError extends Error {
  constructor(
    message: string,
    readonly fileAtFault: boolean,
  ) {
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


/**
 * Decodes the primary image and fits it inside maxDimension x maxDimension (never enlarged).
 * `signal` (the worker's hard stop) ends the thread at once and rejects with its reason, never
 * with a HeicDecodeError: the file is not at fault, and is decoded again next run.
 */
export async function decodeHeic(
  bytes: Buffer,
  maxDimension: number,
  { timeoutMs = HEIC_DECODE_TIMEOUT_MS, signal }: { timeoutMs?: number; signal?: AbortSignal | undefined } = {},
): Promise<DecodedPixels> {
  signal?.throwIfAborted();
  const worker = new Worker(DECODE_THREAD, { eval: true, workerData: { ...libheifModule(), sharpPath: require.resolve('sharp'), maxDimension } });
  try {
    const answer = await new Promise<ThreadAnswer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new HeicDecodeError(`the decode took longer than ${timeoutMs} ms`, false)), timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        settle();
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.once('message', (message: ThreadAnswer) => {
        settle();
        resolve(message);
      });
      worker.once('error', (error) => {
        settle();
        reject(new HeicDecodeError(`the decoder failed: ${error.message}`, false));
      });
      worker.once('exit', (code) => {
        settle();
        reject(new HeicDecodeError(`the decoder stopped (exit code ${code})`, false));
      });
      worker.postMessage(bytes);
    });
    if (!answer.ok) throw new HeicDecodeError(answer.message, true);
    const data = Buffer.from(answer.data.buffer, answer.data.byteOffset, answer.data.byteLength);
    return { data, width: answer.width, height: answer.height, channels: answer.channels };
  } finally {
    await worker.terminate();
  }
}

/**
 * The thread's code (plain JavaScript, evaluated by the Worker): libheif-js's embind API, whose
 * functions answer errors as `{code, message}` with `code` an enum value to compare with
 * heif_error_Ok. sharp reads the decoded plane where it lies in the WebAssembly memory (as raw
 * pixels with the plane's stride as its width) and hands back the fitted image.
 */
const DECODE_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const factory = require(workerData.libheifPath);
const sharp = require(workerData.sharpPath);
const failed = (heif, value) => !value || (typeof value === 'object' && 'code' in value && value.code !== heif.heif_error_Ok);
parentPort.once('message', async (bytes) => {
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
    if (!plane || plane.stride % channels !== 0) throw new Error('the decoded image has no usable interleaved plane');
    const pixels = Buffer.from(plane.data.buffer, plane.data.byteOffset, plane.stride * plane.height);
    let picture = sharp(pixels, { raw: { width: plane.stride / channels, height: plane.height, channels } });
    if (plane.stride / channels !== plane.width) picture = sharp(await picture.extract({ left: 0, top: 0, width: plane.width, height: plane.height }).raw().toBuffer(), { raw: { width: plane.width, height: plane.height, channels } });
    const { data, info } = await picture
      .resize({ width: workerData.maxDimension, height: workerData.maxDimension, fit: 'inside', withoutEnlargement: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
    // Copied into the message (sharp's buffer cannot be transferred): at most 2048 x 2048 pixels.
    parentPort.postMessage({ ok: true, width: info.width, height: info.height, channels: info.channels, data: new Uint8Array(data) });
  } catch (error) {
    parentPort.postMessage({ ok: false, message: String((error && error.message) || error) });
  } finally {
    if (image) heif.heif_image_release(image);
    if (handle && !failed(heif, handle)) heif.heif_image_handle_release(handle);
    if (context) heif.heif_context_free(context);
  }
});
`;
