import { InMemorySpanExporter, BasicTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { MeterProvider, MetricReader, type HistogramMetricData, type SumMetricData } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { pizzaWorkflow, startKitchen, type Order } from '../../../examples/pizza.js';
import { workflow } from '../../domain/builder.js';
import { WorkflowHost } from '../../runtime/host.js';
import type { HostLogger } from '../../runtime/logger.js';
import { createMemoryPersistence } from '../memory/index.js';
import { createOtelTelemetry, formatTraceparent, parseTraceparent } from './otel-telemetry.js';

class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const parentOf = (s: ReadableSpan): string | undefined =>
  (s as unknown as { parentSpanContext?: { spanId: string } }).parentSpanContext?.spanId ?? (s as unknown as { parentSpanId?: string }).parentSpanId;

function order(): Order {
  return {
    orderId: 'o-1', pizzas: [{ name: 'margherita', size: 'large' }, { name: 'funghi', size: 'small' }], delivery: true, total: 23.5, card: '4242',
    toppings: [], baked: [], temperature: 130, oven: 250, qualityChecks: 0, log: [],
  };
}

describe('wfe/otel', () => {
  it('formats and parses W3C traceparent', () => {
    const tp = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    expect(formatTraceparent(parseTraceparent(tp)!)).toBe(tp);
    expect(parseTraceparent('00-00000000000000000000000000000000-b7ad6b7169203331-01')).toBeUndefined();
    expect(parseTraceparent('garbage')).toBeUndefined();
  });

  it('traces a pizza order: one span per step execution under its pass, every pass in the caller\'s trace; metrics counted', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const tracer = provider.getTracer('test');
    const reader = new TestReader();
    const meter = new MeterProvider({ readers: [reader] }).getMeter('test');
    const persistence = createMemoryPersistence();
    const host = new WorkflowHost({ persistence, pollInterval: 10, telemetry: createOtelTelemetry({ tracer, meter }) });
    host.registerWorkflow(pizzaWorkflow());
    await host.start();
    const caller = tracer.startSpan('POST /orders');
    const traceparent = formatTraceparent(caller.spanContext());
    const id = await host.startWorkflow('pizza', { data: order(), reference: 'o-1', traceparent });
    const stopKitchen = startKitchen(host);
    const state = await host.waitForCompletion(id, { timeoutMs: 20_000 });
    stopKitchen();
    await host.stop();
    caller.end();
    expect(state.status).toBe('complete');

    const spans = exporter.getFinishedSpans();
    const passes = spans.filter((s) => s.name === 'wfe.pass');
    const steps = spans.filter((s) => s.name.startsWith('wfe.step '));
    const passIds = new Set(passes.map((s) => s.spanContext().spanId));
    expect(passes.length).toBeGreaterThan(5);
    for (const p of passes) {
      expect(p.spanContext().traceId).toBe(caller.spanContext().traceId);
      expect(parentOf(p)).toBe(caller.spanContext().spanId);
      expect(p.attributes['wfe.instance_id']).toBe(id);
    }
    // Every step execution has its own span, a child of the pass that ran it.
    for (const s of steps) {
      expect(passIds.has(parentOf(s)!), s.name).toBe(true);
      expect(s.attributes).toMatchObject({ 'wfe.instance_id': id, 'wfe.definition_id': 'pizza', 'wfe.step': s.name.slice('wfe.step '.length) });
    }
    const names = steps.map((s) => s.name.slice('wfe.step '.length));
    for (const step of ['validate', 'charge card', 'reserve oven slot', 'sauce', 'cheese', 'vegetables', 'large box', 'deliver', 'send survey', 'done']) {
      expect(names.filter((n) => n === step), step).toHaveLength(1);
    }
    expect(names.filter((n) => n === 'bake pizza')).toHaveLength(2);
    const checks = steps.filter((s) => s.name === 'wfe.step quality check');
    expect(checks.map((s) => [s.attributes['wfe.attempt'], s.attributes['wfe.outcome']])).toEqual([
      [1, 'failed'],
      [2, 'completed'],
    ]);
    expect(checks[0]!.status.code).toBe(2); // ERROR
    const appends = spans.filter((s) => s.name === 'wfe.append');
    expect(appends.length).toBeGreaterThan(0);
    for (const a of appends) {
      expect(passIds.has(parentOf(a)!) || parentOf(a) === undefined).toBe(true);
      expect(a.attributes['wfe.events']).toBeGreaterThan(0);
      expect(a.attributes['wfe.bytes']).toBeGreaterThan(0);
      expect(a.attributes['wfe.conflict']).toBe(false);
    }
    expect(spans.filter((s) => s.name === 'wfe.decide').length).toBeGreaterThanOrEqual(appends.length - 1);

    // The trace context is in the envelope: the start carries the caller's, each pass's events its own.
    const events = await persistence.log.read(id);
    expect(events[0]!.meta.traceparent).toBe(traceparent);
    expect(events.filter((e) => e.meta.traceparent && passes.some((p) => formatTraceparent(p.spanContext()) === e.meta.traceparent)).length).toBeGreaterThan(0);

    const { resourceMetrics } = await reader.collect();
    const metrics = new Map(resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).map((m) => [m.descriptor.name, m]));
    const sum = (name: string) => (metrics.get(name) as SumMetricData | undefined)?.dataPoints.reduce((n, d) => n + d.value, 0);
    expect(sum('wfe.workflows.started')).toBe(1);
    expect(sum('wfe.workflows.completed')).toBe(1);
    const durations = metrics.get('wfe.step.duration') as HistogramMetricData;
    expect(durations.dataPoints.reduce((n, d) => n + d.value.count, 0)).toBe(steps.length);
    expect((metrics.get('wfe.append.latency') as HistogramMetricData).dataPoints.reduce((n, d) => n + d.value.count, 0)).toBe(appends.length);
    // The delivery's delay and the retries make claims after their due time.
    expect((metrics.get('wfe.queue.lag') as HistogramMetricData).dataPoints.reduce((n, d) => n + d.value.count, 0)).toBeGreaterThan(0);
    // (The async projections' batches run on their own timer: whether one ran before stop depends on the machine's load, so they are not asserted here.)
  });

  it('sends host errors nobody listens to to the logger (default: stderr), and none when someone listens', async () => {
    const logged: { details: object; message?: string }[] = [];
    const logger: HostLogger = { error: (details, message) => void logged.push({ details, message }), warn: () => {} };
    const wf = workflow('w', 1).startWith(() => {}, 'only').build();
    const host = new WorkflowHost({ persistence: createMemoryPersistence(), logger, hooks: { 'workflow:started': () => { throw new Error('listener broke'); } } });
    host.registerWorkflow(wf);
    await host.start();
    await host.waitForCompletion(await host.startWorkflow('w'), { timeoutMs: 5000 });
    await host.stop();
    expect(logged).toHaveLength(1);
    expect(logged[0]!.message).toBe('host error in listener of workflow:started: listener broke');
    expect(logged[0]!.details).toMatchObject({ where: 'listener of workflow:started', err: expect.any(Error) });
  });
});
