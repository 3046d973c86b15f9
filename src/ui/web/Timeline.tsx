// The instance's events as a virtualised list (only the rows in view are in the page: 10,000 events stay fast).
import { elementScroll, observeElementOffset, observeElementRect, Virtualizer } from '@tanstack/virtual-core';
import { useEffect, useLayoutEffect, useReducer, useRef, useState } from 'preact/hooks';
import type { TimelineRow } from './api';
import { formatTime } from './format';

/** Where a row sits among parallel branches: depth of nesting and which sibling branch it is. */
export interface Lane {
  readonly depth: number;
  readonly index: number;
  readonly label: string;
}

const ROW = 30;
const KIND_LABEL: Record<TimelineRow['kind'], string> = {
  lifecycle: 'lifecycle',
  step: 'step',
  retry: 'retry',
  compensation: 'compensation',
  wait: 'wait',
  timer: 'timer',
  cancel: 'cancel',
  data: 'data',
  fork: 'fork',
};

export function Timeline(props: { rows: readonly TimelineRow[]; selected: number; lanes: ReadonlyMap<number, Lane>; onSelect: (version: number) => void }) {
  const { rows, selected, lanes, onSelect } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [, rerender] = useReducer((n: number) => n + 1, 0);
  const [virtualizer] = useState(
    () =>
      new Virtualizer<HTMLDivElement, HTMLDivElement>({
        count: rows.length,
        getScrollElement: () => scroller.current,
        estimateSize: () => ROW,
        overscan: 12,
        scrollToFn: elementScroll,
        observeElementRect,
        observeElementOffset,
        onChange: () => rerender(undefined),
      }),
  );
  virtualizer.setOptions({ ...virtualizer.options, count: rows.length });
  useLayoutEffect(() => virtualizer._didMount(), [virtualizer]);
  useLayoutEffect(() => virtualizer._willUpdate());
  useEffect(() => {
    if (selected >= 1 && selected <= rows.length) virtualizer.scrollToIndex(selected - 1, { align: 'auto' });
  }, [selected, rows.length, virtualizer]);

  const start = rows[0]?.recordedAt ?? 0;
  return (
    <div class="timeline" ref={scroller} role="listbox" aria-label="Events, oldest first" aria-activedescendant={`ev-${selected}`} tabIndex={0} data-testid="timeline">
      <div style={{ height: `${virtualizer.getTotalSize()}px`, position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const row = rows[item.index]!;
          const lane = row.pointerId !== undefined ? lanes.get(row.pointerId) : undefined;
          const on = row.version === selected;
          return (
            <div
              key={row.version}
              id={`ev-${row.version}`}
              role="option"
              aria-selected={on}
              class={`ev kind-${row.kind}${on ? ' selected' : ''}`}
              style={{ transform: `translateY(${item.start}px)`, height: `${ROW}px` }}
              data-version={row.version}
              onClick={() => onSelect(row.version)}
              title={`${row.summary}\n${formatTime(row.recordedAt, true)}${row.actor ? `\nby ${row.actor}` : ''}${row.reason ? `\nwhy: ${row.reason}` : ''}`}
            >
              <span class="ev-v">{row.version}</span>
              <span class="lanes" aria-label={lane ? lane.label : undefined}>
                {lane && <span class={`lane lane-${lane.index % 6}`} style={{ marginLeft: `${Math.min(lane.depth, 4) * 6}px` }} />}
              </span>
              <span class={`ev-kind k-${row.kind}`}>{KIND_LABEL[row.kind]}</span>
              <span class="ev-summary">{row.summary}</span>
              <span class="ev-time">+{Math.max(0, row.recordedAt - start)} ms</span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
