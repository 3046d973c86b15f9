// The web debugger: an instances page and an instance page, routed by the address (history API).
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { config, currentRoute, navigate } from './router';
import { InstancePage } from './InstancePage';
import { InstancesPage } from './InstancesPage';

function App() {
  const [route, setRoute] = useState(currentRoute);
  useEffect(() => {
    const update = () => setRoute(currentRoute());
    window.addEventListener('popstate', update);
    window.addEventListener('wfe:navigate', update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener('wfe:navigate', update);
    };
  }, []);
  return (
    <>
      <header class="top">
        <a class="brand" href={config.base} onClick={(e) => { e.preventDefault(); navigate(''); }}>wfe debugger</a>
        {config.store && <span class="store" title="the store this debugger reads">{config.store}</span>}
      </header>
      <main id="main">
        {route.page === 'instances' && <InstancesPage params={route.params} />}
        {route.page === 'instance' && route.instanceId !== undefined && <InstancePage key={route.instanceId} instanceId={route.instanceId} params={route.params} config={config} />}
        {route.page === 'unknown' && (
          <div role="alert" class="problem">
            <h1>No such page</h1>
            <p>{location.pathname} is not a page of the debugger. <a href={config.base}>See all instances</a>.</p>
          </div>
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
