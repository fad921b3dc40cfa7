/** A self-contained docs page rendered from the OpenAPI document (no CDN: it works offline and in Lambda). */
type Operation = { summary?: string; tags?: string[]; security?: unknown[]; parameters?: { name: string; in: string; required?: boolean }[]; requestBody?: { content?: Record<string, { schema?: unknown }> }; responses?: Record<string, { description?: string }> };

const escape = (text: string) => text.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);

export function renderDocsPage(doc: { info: { title: string; version: string }; paths?: Record<string, Record<string, Operation>> }): string {
  const rows: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters ?? []).map((p) => `<code>${escape(p.name)}</code> <small>${p.in}${p.required ? ', required' : ''}</small>`).join(', ');
      const body = op.requestBody?.content?.['application/json']?.schema;
      const responses = Object.entries(op.responses ?? {}).map(([code, r]) => `<b>${code}</b> ${escape(r.description ?? '')}`).join('<br>');
      rows.push(`<details><summary><span class="m ${method}">${method.toUpperCase()}</span> <code>${escape(path)}</code> — ${escape(op.summary ?? '')}${op.security ? '' : ' <small>(no auth)</small>'}</summary>
<div>${params ? `<p>Parameters: ${params}</p>` : ''}${body ? `<p>Body schema:</p><pre>${escape(JSON.stringify(body, null, 2))}</pre>` : ''}<p>${responses}</p></div></details>`);
    }
  }
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${escape(doc.info.title)} API</title><style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#222}
details{border:1px solid #ddd;border-radius:6px;margin:.4rem 0;padding:.4rem .8rem}summary{cursor:pointer}
.m{display:inline-block;min-width:4.2em;font-weight:600}.get{color:#1565c0}.post{color:#2e7d32}.patch,.put{color:#ef6c00}.delete{color:#c62828}
pre{background:#f6f8fa;padding:.6rem;overflow:auto;font-size:13px}</style></head><body>
<h1>${escape(doc.info.title)} <small>${escape(doc.info.version)}</small></h1>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1). Send <code>Authorization: Bearer &lt;token&gt;</code>; errors are <code>{"error":{"code","message","fields"}}</code>.</p>
${rows.join('\n')}</body></html>`;
}
