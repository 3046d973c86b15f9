/**
 * `wfe/otel`: spans and metrics on OpenTelemetry (`@opentelemetry/api`, an optional peer dependency).
 *
 * ```ts
 * const host = new WorkflowHost({ telemetry: createOtelTelemetry() }); // the global tracer and meter
 * ```
 */
export { createOtelTelemetry, formatTraceparent, parseTraceparent, type OtelTelemetryOptions } from './otel-telemetry.js';
export { NOOP_TELEMETRY, type TelemetryPort, type TraceSpan, type TelemetryAttributes, type MetricName } from '../../ports/telemetry.js';
