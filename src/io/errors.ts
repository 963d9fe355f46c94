// Errors a learner can act on. Loading weights fails in a handful of distinct
// ways (an interrupted download, an HTML error page saved as .safetensors, an
// int8-quantised checkpoint), and each deserves its own code for the UI to
// branch on and a sentence that says what went wrong and with which tensor.

/** What was wrong with a safetensors file. */
export type WeightFileErrorCode =
  /** The file ends before the header or the tensor data it declares. */
  | 'truncated'
  /** The declared header length exceeds the safety limit. */
  | 'header-too-large'
  /** The header is not UTF-8 JSON of the expected form. */
  | 'bad-header'
  /** Tensor byte ranges overlap, leave holes, or leave bytes no tensor claims. */
  | 'bad-offsets'
  /** A dtype that is unknown, or that cannot be read as floating-point weights. */
  | 'unsupported-dtype'
  /** A tensor's byte length (or data length) disagrees with its shape. */
  | 'shape-mismatch';

export class WeightFileError extends Error {
  override readonly name = 'WeightFileError';
  readonly code: WeightFileErrorCode;
  /** The tensor the problem was found in, when there is one. */
  readonly tensorName: string | undefined;

  constructor(code: WeightFileErrorCode, message: string, tensorName?: string) {
    super(message);
    this.code = code;
    this.tensorName = tensorName;
  }
}

/** Why bytes could not be fetched or read from where the user has them. */
export type SourceErrorCode =
  /** The server answered with a status other than 2xx. */
  | 'http-status'
  /** fetch itself failed: offline, DNS, CORS, refused connection. */
  | 'network'
  /** No file at that path (Node only). */
  | 'file-not-found'
  /** The file exists but could not be read (Node only). */
  | 'file-read'
  /** The caller passed something that is not a URL, path, Blob or byte buffer. */
  | 'unsupported-source'
  /** The bytes were read but are not valid JSON. */
  | 'bad-json'
  /** The caller's AbortSignal fired. */
  | 'aborted';

export class SourceError extends Error {
  override readonly name = 'SourceError';
  readonly code: SourceErrorCode;
  /** The HTTP status, for `http-status`. */
  readonly status: number | undefined;

  constructor(code: SourceErrorCode, message: string, options?: { status?: number; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options?.status;
  }
}
