import type * as Api from '@opentelemetry/api';
import type { Counter, Histogram, Meter, Span, Tracer } from '@opentelemetry/api';
import type { MetricName, TelemetryAttributes, TelemetryPort, TraceSpan } from '../../ports/telemetry.js';
import { requirePeer } from '../shared/require-peer.js';

/** Options of {@link createOtelTelemetry}: default, the global tracer and meter named `wfe`. */
export interface OtelTelemetryOptions {
  readonly tracer?: Tracer;
  readonly meter?: Meter;
}

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

/** The W3C `traceparent` of a span context. */
export function formatTraceparent(ctx: Api.SpanContext): string {
  return `00-${ctx.traceId}-${ctx.spanId}-${(ctx.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** The span context a W3C `traceparent` names (remote), or undefined for anything else. */
export function parseTraceparent(text: string): Api.SpanContext | undefined {
  const m = TRACEPARENT.exec(text);
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  return { traceId: m[1]!, spanId: m[2]!, traceFlags: parseInt(m[3]!, 16), isRemote: true };
}

const METRICS: Record<MetricName, { kind: 'counter' | 'histogram'; name: string; description: string; unit?: string }> = {
  'workflows.started': { kind: 'counter', name: 'wfe.workflows.started', description: 'Workflow instances started' },
  'workflows.completed': { kind: 'counter', name: 'wfe.workflows.completed', description: 'Workflow instances completed' },
  'workflows.failed': { kind: 'counter', name: 'wfe.workflows.failed', description: 'Workflow instances failed' },
  'step.duration': { kind: 'histogram', name: 'wfe.step.duration', description: 'Time a step execution took', unit: 'ms' },
  'append.latency': { kind: 'histogram', name: 'wfe.append.latency', description: 'Time an append took, group commit included', unit: 'ms' },
  'queue.lag': { kind: 'histogram', name: 'wfe.queue.lag', description: 'How late a claimed instance was against its due time', unit: 'ms' },
  'projection.lag': { kind: 'histogram', name: 'wfe.projection.lag', description: 'Events between a projection checkpoint and the log head' },
};

/**
 * Telemetry on `@opentelemetry/api` (an optional peer dependency: `npm install @opentelemetry/api`):
 * spans `wfe.pass` (one per pass over an instance), `wfe.step <name>` (each step execution:
 * instance, definition, step, attempt, outcome), `wfe.decide` and `wfe.append` (events, bytes,
 * conflict) and `wfe.projection.batch`; metrics `wfe.workflows.started|completed|failed`,
 * `wfe.step.duration`, `wfe.append.latency`, `wfe.queue.lag`, `wfe.projection.lag`. A run continues
 * the trace its start was called in (the `traceparent` recorded in the envelope). Pass it as the
 * host's `telemetry` option; register your SDK (exporters) as usual.
 */
export function createOtelTelemetry(options: OtelTelemetryOptions = {}): TelemetryPort {
  const api = requirePeer<typeof Api>('@opentelemetry/api', 'wfe/otel');
  const tracer = options.tracer ?? api.trace.getTracer('wfe');
  const meter = options.meter ?? api.metrics.getMeter('wfe');
  const instruments = new Map<MetricName, Counter | Histogram>();
  const instrument = (m: MetricName) => {
    let i = instruments.get(m);
    if (!i) {
      const d = METRICS[m];
      const opts = { description: d.description, ...(d.unit ? { unit: d.unit } : {}) };
      i = d.kind === 'counter' ? meter.createCounter(d.name, opts) : meter.createHistogram(d.name, opts);
      instruments.set(m, i);
    }
    return i;
  };
  const spans = new WeakMap<TraceSpan, Span>();

  const parentContext = (parent: TraceSpan | string | undefined): Api.Context => {
    if (parent === undefined) return api.context.active();
    if (typeof parent !== 'string') {
      const s = spans.get(parent);
      return s ? api.trace.setSpan(api.ROOT_CONTEXT, s) : api.context.active();
    }
    const sc = parseTraceparent(parent);
    return sc ? api.trace.setSpanContext(api.ROOT_CONTEXT, sc) : api.context.active();
  };

  return {
    enabled: true,
    startSpan(name, attributes, parent) {
      const span = tracer.startSpan(name, { attributes }, parentContext(parent));
      const handle: TraceSpan = {
        traceparent: formatTraceparent(span.spanContext()),
        end(more?: TelemetryAttributes, error?: unknown) {
          if (more) span.setAttributes(more);
          if (error !== undefined) {
            span.recordException(error instanceof Error ? error : String(error));
            span.setStatus({ code: api.SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
          }
          span.end();
        },
      };
      spans.set(handle, span);
      return handle;
    },
    record(metric, value, attributes) {
      const i = instrument(metric);
      if (METRICS[metric].kind === 'counter') (i as Counter).add(value, attributes);
      else (i as Histogram).record(value, attributes);
    },
    activeTraceparent() {
      const span = api.trace.getSpan(api.context.active());
      const sc = span?.spanContext();
      return sc && api.isSpanContextValid(sc) ? formatTraceparent(sc) : undefined;
    },
  };
}
