/** The part of autocannon's API the bench and the load tests use (the package ships no types). */
declare module 'autocannon' {
  /** One request of a rotating list. */
  interface Request {
    method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
    path: string;
    body?: string | Buffer;
    headers?: Record<string, string>;
  }
  /** Options of a run. */
  interface Options {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    timeout?: number;
    requests?: Request[];
  }
  /** Latency percentiles in milliseconds. */
  interface Histogram {
    average: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
    total: number;
  }
  /** Result of a run. */
  interface Result {
    requests: Histogram;
    latency: Histogram;
    throughput: Histogram;
    errors: number;
    timeouts: number;
    non2xx: number;
    /** Seconds the run took. */
    duration: number;
  }
  /** Runs a load test; resolves with its result. */
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
