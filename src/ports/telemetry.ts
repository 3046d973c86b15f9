/** Attributes of a span or a measurement (OpenTelemetry's primitive attribute values). */
export type TelemetryAttributes = Readonly<Record<string, string | number | boolean>>;

/** A span in progress. */
export interface TraceSpan {
  /** W3C `traceparent` of this span, recorded in the envelope of the events appended under it. */
  readonly traceparent?: string;
  /** End the span, with more attributes and, when it failed, the error. */
  end(attributes?: TelemetryAttributes, error?: unknown): void;
}

/** The measurements the runtime reports. */
export type MetricName =
  /** Counters (+1 each). */
  | 'workflows.started'
  | 'workflows.completed'
  | 'workflows.failed'
  /** Histograms in milliseconds. */
  | 'step.duration'
  | 'append.latency'
  /** How late a claimed instance was against its due time (ms). */
  | 'queue.lag'
  /** Events between a projection's checkpoint and the log's head after a catch-up. */
  | 'projection.lag';

/**
 * Tracing and metrics, as the runtime uses them: `wfe/otel` implements it on `@opentelemetry/api`;
 * the default does nothing (and costs one call).
 */
export interface TelemetryPort {
  /** Start a span; `parent` is a span of this port or a W3C `traceparent` (a caller's trace carried in the envelope). */
  startSpan(name: string, attributes: TelemetryAttributes, parent?: TraceSpan | string): TraceSpan;
  /** Add to a counter or record in a histogram. */
  record(metric: MetricName, value: number, attributes?: TelemetryAttributes): void;
  /** The `traceparent` of the caller's active span (for a start called inside a traced request), if any. */
  activeTraceparent(): string | undefined;
  /** False for the no-op default: the runtime then skips work done only for telemetry. */
  readonly enabled: boolean;
}

const NOOP_SPAN: TraceSpan = { end() {} };

/** Telemetry that records nothing: the runtime's default. */
export const NOOP_TELEMETRY: TelemetryPort = {
  startSpan: () => NOOP_SPAN,
  record() {},
  activeTraceparent: () => undefined,
  enabled: false,
};
