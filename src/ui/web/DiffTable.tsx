// What one event changed: the status, data paths with their old and new values, pointers.
import type { StateDiff } from './api';
import { shortJson } from './format';

export function DiffTable({ diff }: { diff: StateDiff }) {
  const nothing = !diff.status && !diff.data.length && !diff.pointers.length;
  return (
    <div data-testid="diff">
      {nothing && <p class="sub">This event changed no data, status or step.</p>}
      {diff.status && (
        <p>
          status: <span class={`badge status-${diff.status.from}`}>{diff.status.from}</span> → <span class={`badge status-${diff.status.to}`}>{diff.status.to}</span>
        </p>
      )}
      {diff.data.length > 0 && (
        <table class="diff">
          <caption class="sr-only">Data paths changed by this event</caption>
          <thead>
            <tr><th scope="col">path</th><th scope="col">before</th><th scope="col">after</th></tr>
          </thead>
          <tbody>
            {diff.data.map((d) => (
              <tr key={d.path} data-path={d.path}>
                <th scope="row"><code>{d.path}</code></th>
                <td class={'before' in d && d.before !== undefined ? 'removed' : 'absent'}>{'before' in d && d.before !== undefined ? shortJson(d.before) : '(absent)'}</td>
                <td class={'after' in d && d.after !== undefined ? 'added' : 'absent'}>{'after' in d && d.after !== undefined ? shortJson(d.after) : '(removed)'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {diff.pointers.length > 0 && (
        <ul class="pointer-changes">
          {diff.pointers.map((p) => (
            <li key={p.id}>
              step <strong>{p.step}</strong> (pointer {p.id}): {p.before ?? 'new'} → {p.after ?? 'gone'}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
