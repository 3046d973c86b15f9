/**
 * `wfe/ui`: the web time-travel debugger as a request handler an application can mount, or a
 * server of its own (`wfe ui` runs one).
 *
 * ```ts
 * import { createInspector, createUiServer } from 'wfe/ui';
 * const ui = createUiServer({ inspector: createInspector(persistence), host }); // host: a started WorkflowHost on the same store runs forks
 * const { url } = await ui.listen({ port: 4680 }); // 127.0.0.1 unless told otherwise
 * // or mount it: http.createServer(ui.handle), or your router at basePath ('/wfe/')
 * ```
 */
export { createUiServer, type UiServer, type UiServerOptions, type UiListenOptions, type UiHost } from './ui-server.js';
export { isLoopback } from './ui-access.js';
export { createInspector, type InspectorOptions, type StoreInspector } from '../inspect/create-inspector.js';
