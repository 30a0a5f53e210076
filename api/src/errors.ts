/** One invalid field of a request, as listed in a problem+json `errors` array. */
export interface FieldError {
  /** Where the bad value is: a query parameter, a body path (`properties.name`), a header or a row. */
  field: string;
  /** What is wrong with it, for a person. */
  message: string;
  /** Row number of an imported file, when the error is about one row. */
  row?: number;
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  428: 'Precondition Required',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/** The one error type of the API; the error handler renders it as RFC 9457 problem+json. */
export class ApiError extends Error {
  readonly status: number;
  readonly errors: FieldError[] | undefined;
  readonly extra: Record<string, unknown> | undefined;
  readonly headers: Record<string, string> | undefined;

  constructor(
    status: number,
    detail: string,
    options: { errors?: FieldError[]; extra?: Record<string, unknown>; headers?: Record<string, string> } = {},
  ) {
    super(detail);
    this.name = 'ApiError';
    this.status = status;
    this.errors = options.errors;
    this.extra = options.extra;
    this.headers = options.headers;
  }

  /** 400 naming the bad fields. */
  static badRequest(detail: string, errors?: FieldError[]): ApiError {
    return new ApiError(400, detail, { errors });
  }

  /** 404 for an unknown collection, feature or route. */
  static notFound(detail: string): ApiError {
    return new ApiError(404, detail);
  }

  /** The problem+json body of this error. */
  toProblem(instance?: string): Record<string, unknown> {
    return {
      type: `https://gimpo-map.example/problems/${this.status}`,
      title: TITLES[this.status] ?? 'Error',
      status: this.status,
      detail: this.message,
      ...(instance ? { instance } : {}),
      ...(this.errors ? { errors: this.errors } : {}),
      ...(this.extra ?? {}),
    };
  }
}

/** Raised at start-up for a condition the operator must fix; printed as one line, exit code 1. */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}
